using Braid.Embedded.Logs;
using Braid.Embedded.Runtime;
using Braid.Internal;
using Braid.Internal.Partitioning;
using Braid.Serialization;

namespace Braid.Embedded;

/// <summary>A record to produce into a topic.</summary>
/// <param name="Key">The key (null allowed; null keys are spread round-robin).</param>
/// <param name="Value">The value (null = tombstone).</param>
/// <param name="Timestamp">Event time in ms since the epoch (not negative).</param>
/// <param name="Headers">Optional headers.</param>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public readonly record struct TopicRecord<TKey, TValue>(TKey? Key, TValue? Value, long Timestamp, Headers? Headers = null);

/// <summary>
/// Appends records to an input topic of a <see cref="BraidApplication"/>. Partitions are chosen by
/// Kafka's murmur2 of the serialized key, so the same key lands where a Kafka producer would put it.
/// Thread-safe. When a sent record is durable:
/// <list type="bullet">
/// <item>when <c>Send</c> returns it is in its log, visible to the application, and survives a process crash
/// (kill -9), under either <see cref="Durability"/>;</item>
/// <item>when <see cref="Flush"/> returns, every record sent before also survives a power loss or OS crash;</item>
/// <item>under <see cref="Durability.PowerLoss"/> the application also fsyncs an input before it commits the
/// offsets and output derived from it, so a power loss never leaves committed output without its input.</item>
/// </list>
/// A record is checked before it is written: one larger than <see cref="RecordTooLargeException.MaxRecordBytes"/>
/// throws <see cref="RecordTooLargeException"/>, and nothing of it reaches the log.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class TopicProducer<TKey, TValue>
{
    private readonly TopicLog _topic;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private readonly LogActivity _activity;
    private const long BatchBytes = 64L * 1024 * 1024;
    private int _roundRobin;

    internal TopicProducer(TopicLog topic, Serde<TKey> keySerde, Serde<TValue> valueSerde, LogActivity activity)
    {
        _topic = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
        _activity = activity;
    }

    /// <summary>The topic name.</summary>
    public string Topic => _topic.Name;

    /// <summary>The topic's partition count.</summary>
    public int Partitions => _topic.Partitions.Length;

    /// <summary>Appends one record.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (null = tombstone).</param>
    /// <param name="timestamp">Event time in ms (not negative).</param>
    /// <param name="headers">Optional headers.</param>
    /// <returns>The offset the record got in its partition.</returns>
    public long Send(TKey? key, TValue? value, long timestamp, Headers? headers = null)
    {
        var (log, record) = Encode(new TopicRecord<TKey, TValue>(key, value, timestamp, headers));
        long end = log.AppendAndPublish([record]);
        _activity.Signal();
        return end - 1;
    }

    /// <summary>Appends many records, one write per partition (much faster than one <see cref="Send(TKey, TValue, long, Headers)"/> per record).</summary>
    /// <param name="records">The records, in order (order is kept within each partition).</param>
    /// <returns>How many records were appended.</returns>
    public int Send(IEnumerable<TopicRecord<TKey, TValue>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        // Records are serialized and checked before any is written: a bad one (oversized, negative timestamp,
        // a serializer that throws) fails the call with nothing appended — unless the batch passed
        // BatchBytes, in which case the records before the last BatchBytes were already appended.
        var byPartition = new Dictionary<PartitionLog, List<RawRecord>>();
        int n = 0;
        long buffered = 0;
        foreach (var r in records)
        {
            var (log, raw) = Encode(r);
            if (!byPartition.TryGetValue(log, out var list)) byPartition[log] = list = new List<RawRecord>();
            list.Add(raw);
            n++;
            buffered += Logs.RecordFormat.BodySize(raw);
            if (buffered >= BatchBytes)
            {
                AppendAll(byPartition);
                buffered = 0;
            }
        }
        AppendAll(byPartition);
        _activity.Signal();
        return n;
    }

    private static void AppendAll(Dictionary<PartitionLog, List<RawRecord>> byPartition)
    {
        foreach (var (log, list) in byPartition)
        {
            if (list.Count > 0) log.AppendAndPublish(list);
            list.Clear();
        }
    }

    /// <summary>fsyncs everything sent so far (power-loss durability; a process crash never loses sent records).</summary>
    public void Flush()
    {
        foreach (var p in _topic.Partitions) p.Sync();
    }

    private (PartitionLog Log, RawRecord Record) Encode(TopicRecord<TKey, TValue> r)
    {
        if (r.Timestamp < 0) throw new ArgumentOutOfRangeException(nameof(r), r.Timestamp, "Timestamps are ms since the epoch and must not be negative.");
        var headers = r.Headers is null && (_keySerde.WritesHeaders || _valueSerde.WritesHeaders) ? new Headers() : r.Headers;
        var k = r.Key is null ? null : _keySerde.Serialize(r.Key, new SerdeContext(_topic.Name, SerdeTarget.Key, headers));
        var v = r.Value is null ? null : _valueSerde.Serialize(r.Value, new SerdeContext(_topic.Name, SerdeTarget.Value, headers));
        int n = _topic.Partitions.Length;
        int p = k is null ? (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)n) : Murmur2Partitioner.Partition(k, n);
        var raw = new RawRecord(_topic.Name, p, -1, k, v, r.Timestamp, headers);
        RecordFormat.CheckSize(raw);
        return (_topic.Partitions[p], raw);
    }
}
