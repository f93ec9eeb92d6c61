using Braid.Embedded.Logs;
using Braid.Internal;
using Braid.Internal.Runtime;
using Braid.Internal.State;
using Braid.Processors;

namespace Braid.Embedded.Runtime;

/// <summary>
/// A task as the embedded host keeps it: the core <see cref="RuntimeTask"/> (record choice, offsets, stream
/// time, failure handling), its durable state, its input partitions (local logs read up to their visible end,
/// from the committed offsets on: this is its <see cref="IInputSource"/>) and its buffered output.
/// Owned by one thread at a time; only commits look at it from elsewhere, under the commit lock.
/// </summary>
internal sealed class EmbeddedTask : IHostedTask, IInputSource, IDisposable
{
    private readonly PartitionLog[] _inputs;
    private readonly long[] _fetchOffsets;
    private readonly List<RawRecord> _fetchBuffer = new();
    private readonly int _maxPoll;
    private readonly UpstreamWatch? _upstream;
    private readonly bool[] _watched;

    public EmbeddedTask(StreamTask task, ITaskState state, OutputCollector? collector, PartitionLog[] inputs,
        IStateBackend backend, long maxTaskIdleMs, int maxPoll, UpstreamWatch? upstream = null)
    {
        _upstream = upstream;
        _watched = inputs.Select(l => upstream?.Watches(l.Topic) ?? false).ToArray();
        State = state;
        Collector = collector;
        _inputs = inputs;
        _maxPoll = maxPoll;
        Runtime = new RuntimeTask(task, inputs.Select(l => (l.Topic, l.Partition)).ToList(), maxTaskIdleMs, backend.ReadMetadata);
        _fetchOffsets = new long[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) _fetchOffsets[i] = Runtime.Consumed(i);
        // Appends by this application's sinks to these logs (repartition topics) are kept in memory for this task from
        // the first commit on; logs producers write are never kept (their appends do not ask to be).
        foreach (var log in inputs) log.WantAppendsKept();
    }

    public TaskId Id => Runtime.Id;

    public RuntimeTask Runtime { get; }

    public StreamTask Task => Runtime.Task;

    public IInputSource Input => this;

    public ITaskState State { get; }

    public OutputCollector? Collector { get; }

    public bool HasPendingOutput => (Collector?.BufferedCount ?? 0) > 0;

    /// <summary>Records processed since the last commit (a commit is needed when non-zero).</summary>
    public int Uncommitted => Runtime.Uncommitted;

    public long ProcessedTotal => Runtime.ProcessedTotal;

    public IReadOnlyList<PartitionLog> Inputs => _inputs;

    /// <summary>Records visible in the inputs but not processed yet (lag), per input.</summary>
    public long Lag(int input) => Math.Max(0, _inputs[input].VisibleEnd - Runtime.Consumed(input));

    public bool CaughtUp
    {
        get
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                if (Runtime.Consumed(i) < _inputs[i].VisibleEnd) return false;
            }
            return true;
        }
    }

    /// <summary>Tops up input buffers that run low from their logs (committed data only).</summary>
    public void Fetch(RuntimeTask task)
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (task.Group.BufferedCount(i) >= _maxPoll / 2 || _fetchOffsets[i] >= _inputs[i].VisibleEnd) continue;
            _fetchBuffer.Clear();
            _fetchOffsets[i] = _inputs[i].Read(_fetchOffsets[i], _maxPoll, _fetchBuffer, kept: true);
            task.AddRecords(i, _fetchBuffer);
        }
    }

    /// <summary>
    /// Caught up: everything visible in the log has been fetched, and — for a topic this application's own tasks
    /// write — none of its writers may still add to it (<see cref="UpstreamWatch"/>). The writers are read before
    /// the visible end: a writer that has just published is then seen either busy or with its output visible.
    /// </summary>
    public bool IsCaughtUp(int input) =>
        !(_watched[input] && _upstream!.MayStillWrite(_inputs[input].Topic)) && _fetchOffsets[input] >= _inputs[input].VisibleEnd;

    /// <summary>
    /// Whether this task may still write output: input visible but not processed, output buffered, or processed
    /// records not yet committed (output is published before the uncommitted count is cleared). Read from other
    /// threads by <see cref="UpstreamWatch"/>, in this order.
    /// </summary>
    public bool HasBacklog
    {
        get
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                if (Runtime.Consumed(i) < _inputs[i].VisibleEnd) return true;
            }
            return (Collector?.BufferedCount ?? 0) > 0 || Runtime.Uncommitted > 0;
        }
    }

    public void Dispose()
    {
        Task.Close();
        State.Dispose();
    }
}
