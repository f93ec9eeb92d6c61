using Braid.Processors;
using Braid.Internal;
using Braid.Internal.Runtime;
using Braid.Internal.State;
using Braid.Internal.State.Logging;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// A task as the Kafka host keeps it: the engine's <see cref="StreamTask"/> with logged stores (restorable from
/// their changelogs), its input partitions, and — once restored — the core <see cref="RuntimeTask"/> that chooses
/// records (PartitionGroup, <c>max.task.idle.ms</c>) and tracks consumed offsets. It is also the task's
/// <see cref="IInputSource"/>: the input fetcher pushes records in and says which inputs are at their end.
/// Built by <see cref="Create"/>, which gives it its logged stores.
/// </summary>
internal sealed class KafkaTask(TaskId id, StreamTask task, IReadOnlyList<TopicPartition> inputs, IReadOnlyList<RestorableStore> restorable,
    ITaskState? state, IReadOnlySet<string> checkpointed) : IHostedTask, IInputSource
{
    private bool[] _atEnd = [];
    private bool _renew;

    public TaskId Id { get; } = id;

    public StreamTask Task { get; } = task;

    /// <summary>Real input partitions, in the task's declared order (ties in record choice go to the first).</summary>
    public IReadOnlyList<TopicPartition> Inputs { get; } = inputs;

    public IReadOnlyList<RestorableStore> Restorable { get; } = restorable;

    /// <summary>The task's on-disk state, when the instance has a state directory.</summary>
    public ITaskState? State { get; } = state;

    /// <summary>Changelog topics whose store is on disk: they restore from the local checkpoint.</summary>
    public IReadOnlySet<string> Checkpointed { get; } = checkpointed;

    /// <summary>Set once restored and started (<see cref="Start"/>).</summary>
    public RuntimeTask Runtime { get; private set; } = null!;

    public bool Running { get; private set; }

    public IInputSource Input => this;

    /// <summary>Positions to commit although nothing was processed (just started, or renewal due). Output and changelog
    /// writes are the thread's (one producer): the committer flushes them for every task.</summary>
    public bool HasPendingOutput => Running && _renew;

    /// <summary>Whether the next commit must include this task even if it processed nothing (just started, or renewal due).</summary>
    public bool NeedsCommit => Running && (Runtime.Uncommitted > 0 || _renew);

    public static string Name(TaskId id) => $"{id.Subtopology}_{id.Partition}";

    public static string CheckpointKey(TopicPartition tp) => "kafka.checkpoint/" + tp.Topic + "/" + tp.Partition.Value;

    /// <summary>Builds the task through <see cref="TopologyModel.CreateTask"/>, as every host does, with logged stores;
    /// its in-memory stores come from <paramref name="memory"/> when given (a standby's kept stores, <see cref="KeptInMemoryStores"/>).</summary>
    public static KafkaTask Create(TaskId id, TopologyModel model, TopicLayout layout, StreamsConfig config, IRecordCollector collector,
        IChangelogSink changelogSink, IReadOnlyDictionary<string, Braid.State.IStateStore> globalStores, IStateBackend? backend,
        KeptInMemoryStores? memory = null)
    {
        var state = backend?.OpenTask(id);
        var logs = layout.ChangelogsPerSubtopology[id.Subtopology];
        StreamTask? built = null;
        // Changelog records carry the task's stream time (the record being processed, for in-order input).
        long Now() => built is { Context.StreamTime: var t } && t != long.MinValue ? t : 0;
        ChangelogTarget? TargetFor(string store) =>
            logs.TryGetValue(store, out var topic) ? new ChangelogTarget(topic, id.Partition, changelogSink, Now) : null;
        var factory = new ChangeLoggingStoreFactory(state?.Stores ?? InMemoryStoreFactory.Instance, TargetFor);
        // Stores marked InMemory are logged too on Kafka (as in Kafka Streams): the host's store policy says so.
        var memoryFactory = new ChangeLoggingStoreFactory(memory ?? (IStoreFactory)InMemoryStoreFactory.Instance, TargetFor);
        built = model.CreateTask(id, [id.Subtopology], config, collector,
            () => config.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), new StorePolicy(factory, memoryFactory), globalStores);
        var checkpointed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in built.Stores.Keys)
        {
            if (logs.TryGetValue(name, out var changelog) && !model.Stores[name].InMemory && state is not null) checkpointed.Add(changelog);
        }
        var inputs = layout.SourcesPerSubtopology[id.Subtopology].Select(t => new TopicPartition(t, id.Partition)).ToList();
        var restorable = built.Stores.Values.OfType<ILoggedStore>().Select(s => new RestorableStore(s, logs[s.Name])).ToList();
        return new KafkaTask(id, built, inputs, restorable, state, checkpointed);
    }

    /// <summary>
    /// Starts processing from <paramref name="start"/> (the committed offset of each input, or where reading starts
    /// when none is committed). The first commit after it records every position again: that renews the offsets of
    /// idle inputs, which the broker would otherwise expire (see <see cref="RenewOffsets"/>).
    /// </summary>
    public void Start(IReadOnlyDictionary<TopicPartition, long> start, TopicLayout layout, long maxTaskIdleMs)
    {
        var modelInputs = Inputs.Select(tp => (layout.ModelName(tp.Topic), tp.Partition.Value)).ToList();
        var offsets = Inputs.ToDictionary(tp => CommitMetadata.InputOffset(Id, layout.ModelName(tp.Topic), tp.Partition.Value), tp => start[tp]);
        Runtime = new RuntimeTask(Task, modelInputs, maxTaskIdleMs, key => offsets.TryGetValue(key, out long o) ? CommitMetadata.Encode(o) : null);
        _atEnd = new bool[Inputs.Count];
        _renew = true;
        Running = true;
    }

    /// <summary>
    /// Marks every input position to be committed again. The group subscribes only to the task topic, and a stable
    /// group's offsets of topics it does not subscribe to expire <c>offsets.retention.minutes</c> after their last
    /// commit (KIP-211, GroupMetadata.removeExpiredOffsets): an input idle that long would restart from the beginning.
    /// Re-committing the same offsets is idempotent, so renewing is always safe.
    /// </summary>
    public void RenewOffsets() => _renew = true;

    /// <summary>Every input's next offset (what a commit records: all of them, so idle inputs are renewed too).</summary>
    public IEnumerable<TopicPartitionOffset> Positions() =>
        Inputs.Select((tp, i) => new TopicPartitionOffset(tp, new Offset(Runtime.Consumed(i))));

    /// <summary>The positions of the last successful commit (what may be purged from repartition topics).</summary>
    public IReadOnlyList<TopicPartitionOffset> CommittedPositions { get; private set; } = [];

    public void Committed()
    {
        CommittedPositions = Positions().ToList();
        Runtime.MarkCommitted();
        _renew = false;
    }

    /// <summary>The fetcher reached (or left) the end of input <paramref name="input"/>.</summary>
    public void SetAtEnd(int input, bool atEnd) => _atEnd[input] = atEnd;

    public void Fetch(RuntimeTask task)
    {
        // Kafka pushes: the input fetcher hands records over in its poll.
    }

    public bool IsCaughtUp(int input) => _atEnd[input];

    /// <summary>Closes the task; dirty drops its uncommitted store writes (the changelog and the last commit are the truth).</summary>
    public void Close(bool dirty)
    {
        Running = false;
        if (dirty) State?.DiscardPending();
        Task.Close();
        State?.Dispose();
    }

    /// <summary>
    /// Closes a standby being promoted on this instance: its on-disk state is released (the active task reopens it), but
    /// the stores named in <paramref name="keep"/> — its in-memory ones, handed to the active task — stay open and filled.
    /// </summary>
    public void CloseKeeping(IReadOnlyCollection<string> keep)
    {
        Running = false;
        foreach (var n in Task.Nodes) n.Close();
        foreach (var (name, store) in Task.Stores)
        {
            if (!keep.Contains(name)) store.Close();
        }
        State?.Dispose();
    }
}
