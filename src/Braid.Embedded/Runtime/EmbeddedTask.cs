using System.Diagnostics;
using Braid.Embedded.Logs;
using Braid.Internal;
using Braid.Internal.Runtime;
using Braid.Internal.State;
using Braid.Processors;

namespace Braid.Embedded.Runtime;

/// <summary>
/// A task as the embedded runtime runs it: the engine's <see cref="StreamTask"/>, its durable state, its
/// input partitions (local logs read from the committed offsets on) and its buffered output.
/// Owned by one thread at a time; only commits look at it from elsewhere, under the commit lock.
/// </summary>
internal sealed class EmbeddedTask : IDisposable
{
    private readonly PartitionLog[] _inputs;
    private readonly long[] _fetchOffsets;
    private readonly long[] _consumed;
    private readonly List<RawRecord> _fetchBuffer = new();
    private readonly int _maxPoll;

    public EmbeddedTask(StreamTask task, ITaskState state, OutputCollector? collector, PartitionLog[] inputs,
        IStateBackend backend, long maxTaskIdleMs, int maxPoll)
    {
        Task = task;
        State = state;
        Collector = collector;
        _inputs = inputs;
        _maxPoll = maxPoll;
        Group = new PartitionGroup(inputs.Select(l => (l.Topic, l.Partition)).ToList(), maxTaskIdleMs);
        _fetchOffsets = new long[inputs.Length];
        _consumed = new long[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            long committed = CommitKeys.Decode(backend.ReadMetadata(CommitKeys.InputOffset(task.Id, inputs[i].Topic, inputs[i].Partition))) ?? 0;
            _fetchOffsets[i] = _consumed[i] = committed;
        }
        long? streamTime = CommitKeys.Decode(backend.ReadMetadata(CommitKeys.StreamTime(task.Id)));
        if (streamTime is { } st) task.Context.AdvanceStreamTime(st);
        task.Initialize();
    }

    public TaskId Id => Task.Id;

    public StreamTask Task { get; }

    public ITaskState State { get; }

    public OutputCollector? Collector { get; }

    public PartitionGroup Group { get; }

    /// <summary>Records processed since the last commit (a commit is needed when non-zero).</summary>
    public int Uncommitted { get; private set; }

    public long ProcessedTotal { get; private set; }

    public IReadOnlyList<PartitionLog> Inputs => _inputs;

    /// <summary>Records visible in the inputs but not processed yet (lag), per input.</summary>
    public long Lag(int input) => Math.Max(0, _inputs[input].VisibleEnd - _consumed[input]);

    public bool CaughtUp
    {
        get
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                if (_consumed[i] < _inputs[i].VisibleEnd) return false;
            }
            return true;
        }
    }

    /// <summary>Tops up input buffers that run low from their logs (committed data only).</summary>
    public void Fetch()
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (Group.BufferedCount(i) >= _maxPoll / 2 || _fetchOffsets[i] >= _inputs[i].VisibleEnd) continue;
            _fetchBuffer.Clear();
            _fetchOffsets[i] = _inputs[i].Read(_fetchOffsets[i], _maxPoll, _fetchBuffer);
            Group.Add(i, _fetchBuffer);
        }
    }

    /// <summary>Processes up to <paramref name="max"/> records in timestamp order across inputs.</summary>
    public int Process(int max, long nowMs)
    {
        int n = 0;
        long start = Stopwatch.GetTimestamp();
        while (n < max && Group.TryNext(nowMs, i => _fetchOffsets[i] >= _inputs[i].VisibleEnd, out int input, out var record))
        {
            Task.Process(record);
            _consumed[input] = record.Offset + 1;
            n++;
        }
        if (n > 0)
        {
            Uncommitted += n;
            ProcessedTotal += n;
            BraidMetrics.ProcessedRecords.Add(n);
            EmbeddedMetrics.ProcessLatency.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds / n);
        }
        return n;
    }

    /// <summary>Fires wall-clock punctuations that are due; they may write state and output, so they count as work to commit.</summary>
    public void Punctuate(long nowMs)
    {
        if (Task.PunctuateWallClock(nowMs)) Uncommitted++;
    }

    /// <summary>Adds this task's input offsets and stream time to a commit.</summary>
    public void AddCommitMetadata(Dictionary<string, byte[]?> metadata)
    {
        for (int i = 0; i < _inputs.Length; i++)
            metadata[CommitKeys.InputOffset(Id, _inputs[i].Topic, _inputs[i].Partition)] = CommitKeys.Encode(_consumed[i]);
        if (Task.Context.StreamTime != long.MinValue) metadata[CommitKeys.StreamTime(Id)] = CommitKeys.Encode(Task.Context.StreamTime);
    }

    public void MarkCommitted() => Uncommitted = 0;

    public void Dispose()
    {
        Task.Close();
        State.Dispose();
    }
}
