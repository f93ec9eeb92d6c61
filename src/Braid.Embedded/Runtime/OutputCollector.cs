using Braid.Embedded.Logs;
using Braid.Internal;
using Braid.Internal.Partitioning;

namespace Braid.Embedded.Runtime;

/// <summary>
/// A task's record collector: resolves the partition (an explicit one, else Kafka's murmur2 of the key
/// bytes, round-robin for null keys) and buffers the records per partition log until the thread hands
/// them to the commit (exactly-once) or flushes them after a batch (at-least-once). A record is encoded in the log's
/// frame format at the send (<see cref="FrameBuffer"/>): the commit only seals and writes the frames, and the key and
/// value arrays the serializers made die young instead of living in a list until the commit (issue 19, session 12).
/// <para>The topic of each record is resolved once per topic name and kept here: the application's lookup takes the
/// log manager's lock, once per output record before (issue 19: up to 17% of the stream thread on Nexmark q8, contended
/// with other threads' lookups). A topic's log never changes while the application runs, so the kept one stays right.</para>
/// </summary>
internal sealed class OutputCollector(Func<string, TopicLog> topicFor) : IRecordCollector
{
    private readonly Dictionary<PartitionLog, FrameBuffer> _buffer = new();
    private readonly Dictionary<string, TopicLog> _topics = new(StringComparer.Ordinal);
    private string? _lastTopicName;
    private TopicLog? _lastTopic;
    private int _roundRobin;

    private int _bufferedCount;

    /// <summary>Records buffered, not yet appended (read from other threads by <see cref="UpstreamWatch"/>).</summary>
    public int BufferedCount
    {
        get => Volatile.Read(ref _bufferedCount);
        private set => Volatile.Write(ref _bufferedCount, value);
    }

    /// <summary>Every log this collector has written to.</summary>
    public IEnumerable<PartitionLog> WrittenLogs => _buffer.Keys;

    public void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition)
    {
        var t = Topic(topic);
        int n = t.Partitions.Length;
        int p = partition ?? (key is null ? (int)((uint)_roundRobin++ % (uint)n) : Murmur2Partitioner.Partition(key, n));
        if (p < 0 || p >= n)
            throw new StreamsException($"A partitioner chose partition {p} of topic '{topic}', which has {n} partitions.");
        var log = t.Partitions[p];
        if (!_buffer.TryGetValue(log, out var frames)) _buffer[log] = frames = new FrameBuffer();
        // A sink never buffers a record its log could not hold: the task fails here, before the commit (Add checks first).
        // The headers are encoded now, as they are at this send (Kafka's producer serializes at send too).
        frames.Add(new RawRecord(topic, p, -1, key, value, timestamp, headers));
        BufferedCount++;
    }

    /// <summary>The topic's log: the last one used (a sink sends to one topic), else this collector's lookup table, else the application's.</summary>
    private TopicLog Topic(string name)
    {
        if (ReferenceEquals(name, _lastTopicName)) return _lastTopic!;
        if (!_topics.TryGetValue(name, out var t)) _topics.Add(name, t = topicFor(name));
        _lastTopicName = name;
        return _lastTopic = t;
    }

    /// <summary>Appends everything buffered to the logs (not made visible here) and returns the logs written.</summary>
    public void AppendTo(HashSet<PartitionLog> touched)
    {
        foreach (var (log, frames) in _buffer)
        {
            if (frames.Count == 0) continue;
            // Added before appending: a failed append may leave part of the records, which the commit must cut.
            touched.Add(log);
            // Kept in memory for the task that reads this log (a repartition's consumer): it decodes them without
            // reading the file back (PartitionLog's AppendedTail takes the buffer's array; the file holds them for recovery).
            log.AppendFrames(frames, keep: true);
            frames.Clear();
        }
        BufferedCount = 0;
    }

    /// <summary>Forgets buffered output (the task is rewound to its last commit, which will produce it again).</summary>
    public void Discard()
    {
        foreach (var f in _buffer.Values) f.Clear();
        BufferedCount = 0;
    }
}
