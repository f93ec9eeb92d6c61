using Braid.Processors;
using Braid.Internal;
using Braid.Internal.State;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// A core <see cref="StreamTask"/> hosted on Kafka: its input partitions, the offsets it has processed,
/// and its stores wrapped with changelogging (restorable).
/// </summary>
internal sealed class KafkaTask
{
    private readonly Dictionary<TopicPartition, long> _processed = new();
    private readonly HashSet<TopicPartition> _dirtyOffsets = new();

    public KafkaTask(TaskId id, StreamTask task, IReadOnlyList<TopicPartition> inputs, IReadOnlyList<IRestorableStore> restorable,
        ITaskState? state, IReadOnlySet<string> checkpointed)
    {
        Id = id;
        Task = task;
        Inputs = inputs;
        Restorable = restorable;
        State = state;
        Checkpointed = checkpointed;
    }

    /// <summary>The task's on-disk state, when the instance has a state directory.</summary>
    public ITaskState? State { get; }

    /// <summary>Changelog topics whose store is on disk: they restore from the local checkpoint.</summary>
    public IReadOnlySet<string> Checkpointed { get; }

    public static string CheckpointKey(TopicPartition tp) => "kafka.checkpoint/" + tp.Topic + "/" + tp.Partition.Value;

    public TaskId Id { get; }

    public StreamTask Task { get; }

    public IReadOnlyList<TopicPartition> Inputs { get; }

    public IReadOnlyList<IRestorableStore> Restorable { get; }

    public static string Name(TaskId id) => $"{id.Subtopology}_{id.Partition}";

    /// <summary>Builds the task through <see cref="TopologyModel.CreateTask"/>, as every host does, with logged stores.</summary>
    public static KafkaTask Create(TaskId id, TopologyModel model, TopicLayout layout, StreamsConfig config, IRecordCollector collector,
        IChangelogSink changelogSink, Func<long> currentTimestamp, IReadOnlyDictionary<string, Braid.State.IStateStore> globalStores,
        IStateBackend? backend)
    {
        var state = backend?.OpenTask(id);
        var logs = layout.ChangelogsPerSubtopology[id.Subtopology];
        ChangelogTarget? TargetFor(string store) =>
            logs.TryGetValue(store, out var topic) ? new ChangelogTarget(topic, id.Partition, changelogSink, currentTimestamp) : null;
        var factory = new ChangeloggingStoreFactory(state?.Stores ?? InMemoryStoreFactory.Instance, TargetFor);
        // Stores marked InMemory are logged too on Kafka (as in Kafka Streams): the host's store policy says so.
        var memoryFactory = new ChangeloggingStoreFactory(InMemoryStoreFactory.Instance, TargetFor);
        var task = model.CreateTask(id, [id.Subtopology], config, collector,
            () => config.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), new StorePolicy(factory, memoryFactory), globalStores);
        var checkpointed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in task.Stores.Keys)
        {
            if (logs.TryGetValue(name, out var changelog) && !model.Stores[name].InMemory && state is not null) checkpointed.Add(changelog);
        }
        var inputs = layout.SourcesPerSubtopology[id.Subtopology].Select(t => new TopicPartition(t, id.Partition)).ToList();
        var restorable = task.Stores.Values.OfType<IRestorableStore>().ToList();
        return new KafkaTask(id, task, inputs, restorable, state, checkpointed);
    }

    public void Processed(TopicPartition tp, long offset)
    {
        _processed[tp] = offset;
        _dirtyOffsets.Add(tp);
    }

    /// <summary>Offsets to commit (next offset to read) for partitions processed since the last commit.</summary>
    public IEnumerable<TopicPartitionOffset> PendingOffsets() =>
        _dirtyOffsets.Select(tp => new TopicPartitionOffset(tp, new Offset(_processed[tp] + 1)));

    public void OffsetsCommitted() => _dirtyOffsets.Clear();
}
