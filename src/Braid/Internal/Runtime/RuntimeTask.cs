using System.Diagnostics;
using Braid.Internal.Nodes;

namespace Braid.Internal.Runtime;

/// <summary>
/// One task as the runtime runs it, on any host: the engine's <see cref="StreamTask"/>, its input buffers and
/// record choice (<see cref="PartitionGroup"/>), the offsets it has consumed, its stream time, and what goes
/// into a commit (Kafka's <c>StreamTask</c>: <c>isProcessable</c>, <c>process</c>, <c>prepareCommit</c>).
/// The host supplies input (<see cref="IInputSource"/>) and durability (<see cref="ICommitSink{TTask}"/>).
/// Owned by one thread at a time.
/// </summary>
internal sealed class RuntimeTask
{
    private readonly long[] _consumed;
    private readonly ISourceNode?[] _sources; // per input: found once, not by topic name per record

    /// <summary>Builds the runtime side of <paramref name="task"/>, resuming from what the last commit recorded.</summary>
    /// <param name="task">The engine task.</param>
    /// <param name="inputs">Its input partitions, in the order the task declares them (ties in record choice go to the first).</param>
    /// <param name="maxTaskIdleMs">Kafka's <c>max.task.idle.ms</c>.</param>
    /// <param name="readCommitted">The last commit's metadata entries (<see cref="CommitMetadata"/>); null when absent.</param>
    public RuntimeTask(StreamTask task, IReadOnlyList<(string Topic, int Partition)> inputs, long maxTaskIdleMs, Func<string, byte[]?> readCommitted)
    {
        Task = task;
        Group = new PartitionGroup(inputs, maxTaskIdleMs);
        _consumed = new long[inputs.Count];
        _sources = inputs.Select(i => task.SourceFor(i.Topic)).ToArray();
        for (int i = 0; i < inputs.Count; i++)
            _consumed[i] = CommitMetadata.Decode(readCommitted(CommitMetadata.InputOffset(task.Id, inputs[i].Topic, inputs[i].Partition))) ?? 0;
        if (CommitMetadata.Decode(readCommitted(CommitMetadata.StreamTime(task.Id))) is { } streamTime) task.Context.AdvanceStreamTime(streamTime);
        task.Context.CommittedNodeTime = node => CommitMetadata.Decode(readCommitted(CommitMetadata.NodeStreamTime(task.Id, node)));
        task.Initialize();
    }

    public Braid.Processors.TaskId Id => Task.Id;

    public StreamTask Task { get; }

    public PartitionGroup Group { get; }

    public IReadOnlyList<(string Topic, int Partition)> Inputs => Group.Inputs;

    /// <summary>Records processed (or punctuations fired) since the last commit: a commit is needed when non-zero.</summary>
    public int Uncommitted
    {
        get => Volatile.Read(ref _uncommitted);
        private set => Volatile.Write(ref _uncommitted, value);
    }

    private int _uncommitted;

    public long ProcessedTotal { get; private set; }

    /// <summary>Time spent processing records, in <see cref="Stopwatch"/> ticks (the dashboard's latency per record).</summary>
    public long ProcessTicksTotal { get; private set; }

    /// <summary>The next offset to process from input <paramref name="input"/> (what a commit records).</summary>
    public long Consumed(int input) => Volatile.Read(ref _consumed[input]);

    /// <summary>Buffers fetched records of one input (in offset order).</summary>
    public void AddRecords(int input, List<RawRecord> records) => Group.Add(input, records);

    /// <summary>
    /// Processes up to <paramref name="max"/> records in the partition group's order. A record whose processing
    /// fails and is not handled ends the task with a <see cref="RecordProcessingException"/>; its offset is not consumed.
    /// </summary>
    public int Process(int max, long nowMs, Func<int, bool> caughtUp)
    {
        int n = 0;
        long start = Stopwatch.GetTimestamp();
        while (n < max && Group.TryNext(nowMs, caughtUp, out int input, out var record))
        {
            // An input without a source (none is expected) takes the path that names the topic in its error.
            if (_sources[input] is { } source) Task.Process(source, record, null);
            else Task.Process(record);
            Volatile.Write(ref _consumed[input], record.Offset + 1);
            n++;
        }
        if (n > 0)
        {
            Uncommitted += n;
            ProcessedTotal += n;
            long ticks = Stopwatch.GetTimestamp() - start;
            ProcessTicksTotal += ticks;
            BraidMetrics.ProcessedRecords.Add(n);
            BraidMetrics.ProcessLatency.Record(ticks * 1000.0 / Stopwatch.Frequency / n);
        }
        return n;
    }

    /// <summary>Fires wall-clock punctuations that are due; they may write state and output, so they count as work to commit.</summary>
    public void Punctuate(long nowMs)
    {
        if (Task.PunctuateWallClock(nowMs)) Uncommitted++;
    }

    /// <summary>Adds this task's input offsets and stream time to a commit (the one encoding, <see cref="CommitMetadata"/>).</summary>
    public void AddCommitMetadata(IDictionary<string, byte[]?> metadata)
    {
        var inputs = Group.Inputs;
        for (int i = 0; i < inputs.Count; i++)
            metadata[CommitMetadata.InputOffset(Id, inputs[i].Topic, inputs[i].Partition)] = CommitMetadata.Encode(_consumed[i]);
        if (Task.Context.StreamTime != long.MinValue) metadata[CommitMetadata.StreamTime(Id)] = CommitMetadata.Encode(Task.Context.StreamTime);
        foreach (var (node, time) in Task.Context.NodeStreamTimes)
        {
            if (time.Value != long.MinValue) metadata[CommitMetadata.NodeStreamTime(Id, node)] = CommitMetadata.Encode(time.Value);
        }
    }

    /// <summary>Called by the commit sink once this task's commit is durable.</summary>
    public void MarkCommitted() => Uncommitted = 0;
}
