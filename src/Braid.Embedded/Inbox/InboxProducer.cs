using System.Globalization;
using Braid.Embedded.Logs;
using Braid.Embedded.Logs.Files;
using Braid.Internal;
using Braid.Internal.Partitioning;
using Braid.Serialization;

namespace Braid.Embedded;

/// <summary>
/// Produces into an input topic of a <see cref="BraidApplication"/> from another process, without the state
/// directory's lock: each <see cref="Send"/> writes one batch file per partition into the application's
/// inbox (<c>&lt;app dir&gt;/inbox/&lt;topic&gt;/&lt;partition&gt;/</c>), fsynced and published by an atomic rename.
/// The application appends every published batch to the topic's log exactly once — while it runs (polled),
/// or at its next start — even if it is killed in the middle of taking one in.
/// <para>
/// Durability: when <see cref="Send"/> returns, the records survive a process crash of either side and a power
/// loss, and will be processed. A producer that crashes inside <see cref="Send"/> may have delivered some
/// partitions' records and not others (retrying such a call can duplicate those). Partitions are chosen by
/// Kafka's murmur2 of the serialized key, as <see cref="TopicProducer{TKey, TValue}"/> does; the partition count
/// is read from the topic's directory, so the application must have been opened once to create the topic.
/// Records of one producer keep their order within a partition; batches of different producers interleave.
/// </para>
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class InboxProducer<TKey, TValue>
{
    private readonly string _topic;
    private readonly string _inbox;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private readonly string _producerId = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..8]).ToLowerInvariant();
    private readonly object _lock = new();
    private long _sequence;
    private int _roundRobin;

    /// <summary>A producer into <paramref name="topic"/> of the application whose directory is <paramref name="appDirectory"/>.</summary>
    /// <param name="appDirectory">The application's directory (<see cref="BraidApplication.AppDirectory"/>: StateDirectory/ApplicationId).</param>
    /// <param name="topic">An input topic of the application.</param>
    /// <param name="keySerde">Key serde.</param>
    /// <param name="valueSerde">Value serde.</param>
    /// <exception cref="UnknownTopicException">The topic has no log in <paramref name="appDirectory"/> yet.</exception>
    public InboxProducer(string appDirectory, string topic, Serde<TKey> keySerde, Serde<TValue> valueSerde)
    {
        ArgumentException.ThrowIfNullOrEmpty(appDirectory);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _topic = topic;
        _keySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        _valueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
        string logs = Path.Combine(appDirectory, "topics", topic);
        Partitions = Directory.Exists(logs) ? Directory.GetDirectories(logs).Count(d => int.TryParse(Path.GetFileName(d), out _)) : 0;
        if (Partitions == 0)
            throw new UnknownTopicException(topic, $"it has no log under {logs}; open the application once so that it creates its topics.");
        _inbox = Path.Combine(appDirectory, InboxIngester.DirectoryName, topic);
    }

    /// <summary>The topic's partition count (read from its log directory).</summary>
    public int Partitions { get; }

    /// <summary>Writes the records, one batch file per partition; returns once they are published and durable.</summary>
    /// <param name="records">The records, in order (order is kept within each partition).</param>
    /// <returns>How many records were sent.</returns>
    /// <exception cref="RecordTooLargeException">A record is larger than the log allows (nothing is written).</exception>
    public int Send(IEnumerable<TopicRecord<TKey, TValue>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_lock)
        {
            // Serialize and check everything first: a bad record fails the call with nothing written.
            var byPartition = new SortedDictionary<int, List<RawRecord>>();
            int n = 0;
            foreach (var r in records)
            {
                if (r.Timestamp < 0) throw new ArgumentOutOfRangeException(nameof(records), r.Timestamp, "Timestamps are ms since the epoch and must not be negative.");
                var k = r.Key is null ? null : _keySerde.Serialize(r.Key);
                var v = r.Value is null ? null : _valueSerde.Serialize(r.Value);
                int p = k is null ? (int)((uint)_roundRobin++ % (uint)Partitions) : Murmur2Partitioner.Partition(k, Partitions);
                var raw = new RawRecord(_topic, p, -1, k, v, r.Timestamp, r.Headers);
                RecordFormat.CheckSize(raw);
                if (!byPartition.TryGetValue(p, out var list)) byPartition[p] = list = new List<RawRecord>();
                list.Add(raw);
                n++;
            }
            string name = $"{_producerId}-{_sequence++.ToString("D12", CultureInfo.InvariantCulture)}";
            foreach (var (p, list) in byPartition) Publish(p, name, list);
            return n;
        }
    }

    private void Publish(int partition, string name, List<RawRecord> records)
    {
        string dir = Path.Combine(_inbox, partition.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, name + InboxIngester.TemporarySuffix);
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buf = new byte[records.Max(r => RecordFormat.FrameHeaderSize + RecordFormat.BodySize(r))];
            for (int i = 0; i < records.Count; i++) file.Write(buf, 0, RecordFormat.Write(records[i], i, buf));
            file.Flush(flushToDisk: true);
        }
        // The rename publishes the whole file at once (the application never sees a half-written batch); the
        // directory fsync makes the publication itself survive a power loss.
        File.Move(tmp, Path.Combine(dir, name + InboxIngester.BatchSuffix));
        LogFileSystem.Real.SyncDirectory(dir);
    }
}
