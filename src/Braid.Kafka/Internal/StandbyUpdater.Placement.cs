using Braid.Kafka.Internal.State;
using Braid.Processors;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Placement of the standby updater: which replicas this instance keeps (<see cref="ReplicaTargets"/>: placed standbys and, under
/// lag-aware assignment, warm-ups), opening the new ones and closing the others, and announcing what it holds.
/// </summary>
internal sealed partial class StandbyUpdater
{
    private readonly long _origin; // this process's monotonic clock (the directory's TimeProvider) at start: the warm-ups' hand-over times count from it

    // The warm-ups held open (always a subset of _standbys when Place returns), each with since when its task has run on no live
    // instance (null: it runs somewhere). Replaced whole, under the lock.
    private Dictionary<TaskId, TimeSpan?> _warmups = new();

    /// <summary>The standbys kept as warm-up replicas (lag-aware balance moves, <see cref="WarmupPlacement"/>), a subset of <see cref="Tasks"/>.</summary>
    public IReadOnlyList<string> WarmupTasks
    {
        get
        {
            lock (_lock) return _standbys.Keys.Where(_warmups.ContainsKey).Select(KafkaTask.Name).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Opens the standbys this instance should keep and closes the others (all consumer calls stay on this thread).</summary>
    private void Place()
    {
        var view = _directory.Live(LiveWindow);
        lock (_lock)
        {
            // Placed standbys, and (lag-aware) the warm-up replicas the balance plan gives this instance: WarmupPlacement.
            var (wanted, warmups) = ReplicaTargets.For(_layout, _options, _directory.Self, view, _warmups, _claimed,
                _directory.Time.GetElapsedTime(_origin), ReplicaTargets.HandOverBound(_options, LiveWindow));
            foreach (var id in _standbys.Keys.Where(id => !wanted.Contains(id)).ToList())
            {
                Close(_standbys[id], reason: "placed elsewhere", release: true);
                _standbys.Remove(id);
            }
            UnassignReleased();
            foreach (var id in wanted.Where(id => !_standbys.ContainsKey(id) && !_claimed.Contains(id))) Open(id);
            // Only the warm-ups actually held are passed back next time (they count against this instance's share of the cap),
            // and the announcement below names exactly the standbys held.
            _warmups = warmups.Where(kv => _standbys.ContainsKey(kv.Key)).ToDictionary();
            _handOvers.DisposeReturned(); // dropped hand-overs of tasks this instance keeps no standby of
            var names = _standbys.Keys.Select(KafkaTask.Name).Order(StringComparer.Ordinal).ToArray();
            if (!names.SequenceEqual(_announced))
            {
                _directory.AnnounceStandbys(names); // QueryMetadataForKey's standby hosts
                _announced = names;
            }
        }
    }

    private void Open(TaskId id)
    {
        Local?.MarkOwned(id);
        var returned = _handOvers.TakeReturned(id, tp => _consumer.QueryWatermarkOffsets(tp, _options.RequestTimeout));
        var memory = returned?.Stores ?? new KeptInMemoryStores();
        var task = KafkaTask.Create(id, _model, _layout, _config, StandbyNoOutput.Instance, StandbyNoOutput.Instance, new Dictionary<string, Braid.State.IStateStore>(),
            _backend, memory);
        var s = new Standby(task, memory);
        var assign = new List<TopicPartitionOffset>();
        foreach (var store in task.Restorable)
        {
            var tp = new TopicPartition(store.ChangelogTopic, id.Partition);
            // In-memory stores have no checkpoint: they start empty, from the changelog's start.
            long? checkpoint = task.Checkpointed.Contains(store.ChangelogTopic)
                ? Braid.Internal.Runtime.CommitMetadata.Decode(_backend.ReadMetadata(KafkaTask.CheckpointKey(tp)))
                : null;
            var wm = _consumer.QueryWatermarkOffsets(tp, _options.RequestTimeout);
            // A checkpoint past the end means the changelog was re-created: the active restore refuses that state (RestoreDriver);
            // the standby leaves it alone rather than mixing two changelogs.
            if (checkpoint is long c && c > wm.High.Value) continue;
            long? kept = returned?.Positions.TryGetValue(tp, out long k) == true ? k : null; // within the changelog (TakeReturned)
            long from = Math.Max(checkpoint ?? kept ?? wm.Low.Value, wm.Low.Value);
            s.Partitions[tp] = _positions[tp] = new Position(store, from, wm.High.Value);
            assign.Add(new TopicPartitionOffset(tp, new Offset(from)));
        }
        _standbys[id] = s;
        if (returned is not null) _handOvers.Reopened(id, returned, s.Partitions.ToDictionary(kv => kv.Key, kv => kv.Value.Next));
        var held = assign.Select(a => a.TopicPartition).Where(_consumer.Assignment.Contains).ToList();
        if (held.Count > 0) _consumer.IncrementalUnassign(held);
        if (assign.Count > 0) _consumer.IncrementalAssign(assign);
        _logger.LogInformation("Standby task {Task} opened from [{From}].", KafkaTask.Name(id), string.Join(", ", assign.Select(a => a.ToString())));
    }
}
