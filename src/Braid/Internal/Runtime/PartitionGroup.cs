namespace Braid.Internal.Runtime;

/// <summary>
/// The input buffers of one task, one queue per input partition, and the rule that picks the next record
/// (Kafka's <c>PartitionGroup</c>: <c>readyToProcess</c> and <c>nextRecord</c>). Order is kept within a
/// partition; across partitions the head with the lowest timestamp goes first — every timestamp counts,
/// <see cref="long.MaxValue"/> included — and ties go to the input declared first.
/// <para>Readiness (<c>max.task.idle.ms</c>): an empty input whose host has not fetched everything available
/// ("not caught up", Kafka's fetched lag &gt; 0 or unknown) blocks the task — its next record may be older than
/// every buffered head. An empty input that is caught up blocks it until its own deadline, set the first time it
/// is seen empty (now + <c>maxTaskIdleMs</c>) and cleared when it has data again; past the deadline the task
/// processes the other inputs. <c>maxTaskIdleMs</c> = 0: caught-up empty inputs never block.</para>
/// </summary>
internal sealed class PartitionGroup
{
    private const long NoDeadline = long.MinValue;
    private readonly RecordQueue[] _queues;
    private readonly long[] _idleDeadlines;
    private readonly long _maxTaskIdleMs;
    private int _totalBuffered;

    public PartitionGroup(IReadOnlyList<(string Topic, int Partition)> inputs, long maxTaskIdleMs)
    {
        if (maxTaskIdleMs < 0) throw new ArgumentOutOfRangeException(nameof(maxTaskIdleMs), "max.task.idle.ms must not be negative.");
        Inputs = inputs;
        _queues = inputs.Select(_ => new RecordQueue()).ToArray();
        _idleDeadlines = inputs.Select(_ => NoDeadline).ToArray();
        _maxTaskIdleMs = maxTaskIdleMs;
    }

    public IReadOnlyList<(string Topic, int Partition)> Inputs { get; }

    public int BufferedCount(int input) => _queues[input].Count;

    public int TotalBuffered => _totalBuffered;

    public void Add(int input, List<RawRecord> records)
    {
        _queues[input].AddRange(records);
        _totalBuffered += records.Count;
    }

    /// <summary>Drops every buffered record (the host rewinds to committed offsets after a failure).</summary>
    public void Clear()
    {
        foreach (var q in _queues) q.Clear();
        Array.Fill(_idleDeadlines, NoDeadline);
        _totalBuffered = 0;
    }

    /// <summary>
    /// Takes the next record to process. Returns false when nothing is buffered, or when an empty input is not
    /// known to be caught up (fetch first), or is caught up but still within its idle allowance.
    /// </summary>
    /// <param name="nowMs">Wall-clock time, for the idle deadlines.</param>
    /// <param name="caughtUp">Whether the host knows an input has nothing more to fetch right now.</param>
    /// <param name="input">Which input the record came from.</param>
    /// <param name="record">The record.</param>
    public bool TryNext(long nowMs, Func<int, bool> caughtUp, out int input, out RawRecord record)
    {
        input = -1;
        record = default;
        if (_totalBuffered == 0) return false;
        long best = 0;
        for (int i = 0; i < _queues.Length; i++)
        {
            var q = _queues[i];
            if (q.Count == 0)
            {
                // Records the host has not fetched yet may be older than every buffered head.
                if (!caughtUp(i))
                {
                    _idleDeadlines[i] = NoDeadline;
                    return false;
                }
                if (_maxTaskIdleMs > 0)
                {
                    if (_idleDeadlines[i] == NoDeadline) _idleDeadlines[i] = SaturatingAdd(nowMs, _maxTaskIdleMs);
                    if (nowMs < _idleDeadlines[i]) return false;
                }
                continue;
            }
            _idleDeadlines[i] = NoDeadline;
            long ts = q.HeadTimestamp;
            // First non-empty input, or a strictly lower head: no sentinel, so long.MaxValue heads are chosen too.
            if (input < 0 || ts < best)
            {
                best = ts;
                input = i;
            }
        }
        record = _queues[input].Dequeue();
        _totalBuffered--;
        return true;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
