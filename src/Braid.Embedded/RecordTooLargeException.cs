namespace Braid.Embedded;

/// <summary>
/// A record is larger than a local log accepts (<see cref="MaxRecordBytes"/>, Kafka's
/// <c>message.max.bytes</c> counterpart). Thrown by <c>TopicProducer.Send</c> and by a sink before
/// anything is written, so an oversized record never reaches a log (where it could not be read back).
/// </summary>
/// <param name="topic">The topic written.</param>
/// <param name="partition">The partition written.</param>
/// <param name="size">The record's serialized size in bytes.</param>
public sealed class RecordTooLargeException(string topic, int partition, long size)
    : StreamsException($"A record for topic '{topic}' partition {partition} is {size:N0} bytes; a local log accepts at most {MaxRecordBytes:N0} bytes per record. " +
                       "Split the value, or store large payloads elsewhere and send a reference.")
{
    /// <summary>The largest serialized record (key, value, headers and 28 bytes of framing) a local log accepts: 64 MiB.</summary>
    public const int MaxRecordBytes = Logs.RecordFormat.MaxBodySize;

    /// <summary>The topic written.</summary>
    public string Topic { get; } = topic;

    /// <summary>The partition written.</summary>
    public int Partition { get; } = partition;

    /// <summary>The record's serialized size in bytes.</summary>
    public long Size { get; } = size;
}
