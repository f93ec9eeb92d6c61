namespace Braid.Internal.Runtime;

/// <summary>
/// The input buffers of one task, one queue per input partition, and the rule that picks the next record
/// (host-neutral: the embedded runtime and a Kafka host both feed it). Order is preserved within a
/// partition; across partitions the head with the lowest timestamp goes first (ties: the input declared
/// first), as Kafka's <c>PartitionGroup</c>. When an input is empty the task waits up to
/// <c>maxTaskIdleMs</c> for it — unless the host knows that input is caught up (nothing more to fetch),
/// which is Kafka's <c>max.task.idle.ms</c> = 0 behaviour.
/// </summary>
internal sealed class PartitionGroup
{
    private readonly Queue<RawRecord>[] _queues;
    private readonly long _maxTaskIdleMs;
    private long _idleSince = long.MinValue;

    public PartitionGroup(IReadOnlyList<(string Topic, int Partition)> inputs, long maxTaskIdleMs)
    {
        Inputs = inputs;
        _queues = inputs.Select(_ => new Queue<RawRecord>()).ToArray();
        _maxTaskIdleMs = maxTaskIdleMs;
    }

    public IReadOnlyList<(string Topic, int Partition)> Inputs { get; }

    public int BufferedCount(int input) => _queues[input].Count;

    public int TotalBuffered => _queues.Sum(q => q.Count);

    public void Add(int input, List<RawRecord> records)
    {
        foreach (var r in records) _queues[input].Enqueue(r);
    }

    /// <summary>Drops every buffered record (the host rewinds to committed offsets after a failure).</summary>
    public void Clear()
    {
        foreach (var q in _queues) q.Clear();
        _idleSince = long.MinValue;
    }

    /// <summary>
    /// Takes the next record to process. Returns false when nothing is buffered, or when an input that is
    /// empty is not known to be caught up (fetch first) or is still within its idle allowance.
    /// </summary>
    /// <param name="nowMs">Wall-clock time, for the idle allowance.</param>
    /// <param name="caughtUp">Whether the host knows an input has nothing more to fetch right now.</param>
    /// <param name="input">Which input the record came from.</param>
    /// <param name="record">The record.</param>
    public bool TryNext(long nowMs, Func<int, bool> caughtUp, out int input, out RawRecord record)
    {
        input = -1;
        record = default;
        long best = long.MaxValue;
        bool emptyInput = false;
        for (int i = 0; i < _queues.Length; i++)
        {
            if (_queues[i].Count == 0)
            {
                // Records the host has not fetched yet may be older than every buffered head.
                if (!caughtUp(i)) return false;
                emptyInput = true;
                continue;
            }
            long ts = _queues[i].Peek().Timestamp;
            if (ts < best)
            {
                best = ts;
                input = i;
            }
        }
        if (input < 0) return false;
        if (emptyInput && _maxTaskIdleMs > 0)
        {
            if (_idleSince == long.MinValue) _idleSince = nowMs;
            if (nowMs - _idleSince < _maxTaskIdleMs) return false;
        }
        else
        {
            _idleSince = long.MinValue;
        }
        record = _queues[input].Dequeue();
        return true;
    }
}
