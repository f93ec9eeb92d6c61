using System.Globalization;
using System.Text;
using Braid.Processors;

namespace Braid;

/// <summary>
/// Where a record failed (Kafka's <c>ErrorHandlerContext</c>, KIP-1033): the task, the node, and the source
/// record being processed when it failed — its topic, partition, offset, timestamp, headers and raw bytes
/// (KIP-1034), so a handler can write it to a dead-letter topic. The source fields are absent
/// (<see cref="Topic"/> null) when the failure happened in a wall-clock punctuation.
/// </summary>
/// <param name="TaskId">The task.</param>
/// <param name="NodeName">The node that threw (a processor, joiner or aggregator node; the sink for production errors).</param>
/// <param name="Topic">The source topic of the input record, or null in a punctuation.</param>
/// <param name="Partition">The source partition (-1 when unknown).</param>
/// <param name="Offset">The source offset (-1 when unknown).</param>
/// <param name="Timestamp">The timestamp of the record being processed.</param>
/// <param name="Headers">The headers of the source record.</param>
/// <param name="SourceRawKey">The source record's key bytes, as read from the topic.</param>
/// <param name="SourceRawValue">The source record's value bytes, as read from the topic.</param>
/// <param name="DeadLetterQueueTopic">The configured dead-letter topic (<see cref="StreamsConfig.DeadLetterQueueTopic"/>), or null.</param>
public sealed record ErrorHandlerContext(
    TaskId TaskId, string NodeName, string? Topic, int Partition, long Offset, long Timestamp, Headers? Headers,
    byte[]? SourceRawKey, byte[]? SourceRawValue, string? DeadLetterQueueTopic)
{
    /// <summary>Header naming the exception type on a dead-letter record.</summary>
    public const string ExceptionHeader = "braid.error.exception";

    /// <summary>Header with the exception message on a dead-letter record.</summary>
    public const string MessageHeader = "braid.error.message";

    /// <summary>Header naming the failing node on a dead-letter record.</summary>
    public const string NodeHeader = "braid.error.node";

    /// <summary>Header naming the source topic on a dead-letter record.</summary>
    public const string TopicHeader = "braid.error.topic";

    /// <summary>Header with the source partition (decimal text) on a dead-letter record.</summary>
    public const string PartitionHeader = "braid.error.partition";

    /// <summary>Header with the source offset (decimal text) on a dead-letter record.</summary>
    public const string OffsetHeader = "braid.error.offset";

    /// <summary>
    /// The dead-letter record for this failure (KIP-1034): the source record's raw key and value and its
    /// headers, plus headers naming the exception, the node, the source topic, partition and offset.
    /// </summary>
    /// <param name="topic">The dead-letter topic.</param>
    /// <param name="exception">The failure.</param>
    /// <returns>The record to write.</returns>
    public DeadLetterRecord ToDeadLetter(string topic, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(exception);
        var headers = Headers?.Clone() ?? new Headers();
        headers.Add(ExceptionHeader, Encoding.UTF8.GetBytes(exception.GetType().FullName ?? exception.GetType().Name))
            .Add(MessageHeader, Encoding.UTF8.GetBytes(exception.Message))
            .Add(NodeHeader, Encoding.UTF8.GetBytes(NodeName));
        if (Topic is not null)
        {
            headers.Add(TopicHeader, Encoding.UTF8.GetBytes(Topic))
                .Add(PartitionHeader, Encoding.UTF8.GetBytes(Partition.ToString(CultureInfo.InvariantCulture)))
                .Add(OffsetHeader, Encoding.UTF8.GetBytes(Offset.ToString(CultureInfo.InvariantCulture)));
        }
        return new DeadLetterRecord(topic, SourceRawKey, SourceRawValue, Timestamp, headers);
    }

    /// <summary>"topic-partition@offset" of the source record, or "a punctuation".</summary>
    /// <returns>The position text.</returns>
    public string Position() => Topic is null
        ? "a punctuation"
        : $"{Topic}-{Partition.ToString(CultureInfo.InvariantCulture)}@{Offset.ToString(CultureInfo.InvariantCulture)}";
}
