using Braid.Internal;
using Braid.Internal.Faults;
using Braid.Internal.State;
using Braid.Processors;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The tasks of this instance through their life (Kafka's <c>TaskManager</c>): assigned → committed offsets fetched →
/// restoring (in steps, <see cref="RestoreDriver"/>) → running → closed clean (revoked) or dirty (lost, or rebuilt
/// after a producer failure). Committed offsets are fetched before the changelog ends are read: under exactly-once
/// the fetch waits until no transaction holding these offsets is open (UNSTABLE_OFFSET_COMMIT, KIP-447), and after
/// that a fenced predecessor cannot commit any more, so the changelog ends include all it committed.
/// </summary>
internal sealed class TaskManager(TopologyModel model, StreamsConfig config, KafkaStreamsOptions options, TopicLayout layout,
    KafkaRecordCollector output, InputFetcher input, RestoreDriver restorer, TaskCommitter committer, IStateBackend? backend, ILogger logger)
{
    private readonly Dictionary<TaskId, KafkaTask> _running = new();
    private readonly Dictionary<TaskId, IReadOnlyDictionary<TopicPartition, long>> _starts = new();
    private readonly HashSet<TaskId> _pending = new();

    public Func<IConsumer<byte[]?, byte[]?>> Group { get; set; } = () => throw new InvalidOperationException("no group member yet.");

    public IReadOnlyDictionary<string, Braid.State.IStateStore>? GlobalStores { get; set; }

    /// <summary>The instance's standby replicas, if any: a task assigned here takes over its standby's state (<see cref="StandbyUpdater.Claim"/>).</summary>
    public StandbyUpdater? Standbys { get; set; }

    /// <summary>On-disk state beyond running tasks (wipes, release times, clean-up); null without a state directory.</summary>
    public LocalTaskStates? Local { get; set; }

    /// <summary>Every task this instance owns: pending, restoring or running (never cleaned up).</summary>
    public IReadOnlySet<TaskId> Owned => _running.Keys.Concat(restorer.Tasks.Select(t => t.Id)).Concat(_pending).Concat(_starts.Keys).ToHashSet();

    public IReadOnlyCollection<KafkaTask> Running => _running.Values;

    /// <summary>Tasks assigned but not running yet (waiting for offsets, or restoring).</summary>
    public bool HasWork => _pending.Count > 0 || restorer.Active;

    /// <summary>Committed-offset fetches that failed (e.g. UNSTABLE_OFFSET_COMMIT) and were retried.</summary>
    public int OffsetFetchRetries { get; private set; }

    /// <summary>Tasks closed dirty and rebuilt after producer failures.</summary>
    public int Rebuilds { get; private set; }

    /// <summary>Names of running tasks, in order.</summary>
    public IReadOnlyList<string> RunningNames() =>
        _running.Keys.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition).Select(KafkaTask.Name).ToList();

    public void Assign(TaskId id)
    {
        Standbys?.Claim(id); // now, inside the rebalance callback: from here on no standby of this instance holds the task's state
        Local?.MarkOwned(id); // at once: the instance's clean-up (another thread) must not delete state about to be opened
        _pending.Add(id);
    }

    /// <summary>One step: fetch offsets of pending tasks and start their restore; apply restored records; start restored tasks.
    /// Returns true when tasks started.</summary>
    public bool Step()
    {
        if (_pending.Count > 0) BeginPending();
        if (!restorer.Active) return false;
        var done = restorer.Step(1000, 10); // at most max.poll.records (1000) per step, as the restore consumer's poll in StoreChangelogReader
        foreach (var t in done) StartRestored(t);
        return done.Count > 0;
    }

    private void BeginPending()
    {
        if (Standbys?.Hooks.HoldRestores == true) return; // test hook: between the claim and the restore (DroppedHandOverTests)
        var ids = _pending.OrderBy(id => id.Subtopology).ThenBy(id => id.Partition).ToList();
        var inputs = ids.SelectMany(id => layout.SourcesPerSubtopology[id.Subtopology].Select(t => new TopicPartition(t, id.Partition))).ToList();
        List<TopicPartitionOffset> committed;
        try
        {
            committed = Group().Committed(inputs, options.RequestTimeout);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Typically UNSTABLE_OFFSET_COMMIT until a crashed predecessor's transaction times out (transaction.timeout.ms):
            // the tasks stay pending and the fetch is retried on the next loop, while the member keeps polling.
            OffsetFetchRetries++;
            logger.LogWarning("Fetching committed offsets of [{Inputs}] failed ({Reason}); retrying.", string.Join(", ", inputs), e.Error.Reason);
            return;
        }
        var start = committed.ToDictionary(c => c.TopicPartition,
            c => c.Offset == Offset.Unset ? input.FirstOffset(c.TopicPartition, options.RequestTimeout) : c.Offset.Value);
        _pending.Clear();
        foreach (var id in ids)
        {
            Standbys?.Claim(id); // again for tasks rebuilt after a failure (they skipped Assign); claiming twice is harmless
            Local?.MarkOwned(id);
            // A standby of this instance promoted now hands its in-memory stores over, filled up to these offsets: only the
            // tail after them is restored (Kafka: ActiveTaskCreator.createActiveTaskFromStandby keeps the standby's stores).
            var handOver = Standbys?.TakeHandOver(id);
            var task = Create(id, handOver?.Stores);
            _starts[id] = task.Inputs.ToDictionary(tp => tp, tp => start[tp]);
            try
            {
                restorer.Begin(task, tp => ReadCheckpoint(task, tp) ?? (handOver?.Positions.TryGetValue(tp, out long p) == true ? p : null));
            }
            catch (TaskCorruptedException e) when (Local is not null)
            {
                // As Kafka's TaskManager.handleCorruption: close dirty, wipe the local state, restore from the changelog's start.
                task.Close(dirty: true);
                Local.Wipe(id, e.Message);
                task = Create(id);
                restorer.Begin(task, tp => ReadCheckpoint(task, tp));
            }
        }
    }

    private KafkaTask Create(TaskId id, Kafka.Internal.State.KeptInMemoryStores? memory = null) =>
        KafkaTask.Create(id, model, layout, config, output, output, GlobalStores ?? new Dictionary<string, Braid.State.IStateStore>(), backend, memory);

    private void StartRestored(KafkaTask task)
    {
        var reached = restorer.Reached(task);
        // Ends seen before an earlier revocation are stale; replaying from a stale checkpoint would duplicate window-store entries.
        foreach (var (tp, end) in reached) output.SetChangelogEnd(tp, end);
        committer.WriteLocalState([task], reached);
        var start = _starts[task.Id];
        _starts.Remove(task.Id);
        task.Start(start, layout, (long)options.MaxTaskIdle.TotalMilliseconds);
        _running[task.Id] = task;
        input.Add(task, start);
        logger.LogInformation("Running task {Task} from offsets [{Offsets}].", KafkaTask.Name(task.Id), string.Join(", ", start.Select(s => $"{s.Key}@{s.Value}")));
        Failpoints.Hit(HandOverFailpoints.PromotedBeforeFirstCommit);
    }

    private long? ReadCheckpoint(KafkaTask task, TopicPartition tp)
    {
        if (backend is null || !task.Checkpointed.Contains(tp.Topic)) return null;
        return Braid.Internal.Runtime.CommitMetadata.Decode(backend.ReadMetadata(KafkaTask.CheckpointKey(tp)));
    }

    /// <summary>Closes a running task (dirty: its uncommitted store writes are dropped), or forgets one not running yet.</summary>
    public void Close(TaskId id, bool dirty, bool keepInputAssigned = false)
    {
        if (Owned.Contains(id)) Local?.MarkReleased([id]); // the clean-up delay counts from here
        _pending.Remove(id);
        var restoring = restorer.Tasks.FirstOrDefault(t => t.Id.Equals(id));
        if (restoring is not null)
        {
            restorer.Cancel(restoring);
            restoring.Close(dirty: true);
        }
        if (_starts.Remove(id) || restoring is not null)
        {
            if (!keepInputAssigned) input.Unassign(layout.SourcesPerSubtopology[id.Subtopology].Select(t => new TopicPartition(t, id.Partition)));
        }
        if (!_running.Remove(id, out var task))
        {
            Standbys?.Unclaim(id);
            return;
        }
        input.Remove(task, keepInputAssigned);
        task.Close(dirty);
        Standbys?.Unclaim(id); // after the close released the task's state: a standby may open it now
    }

    /// <summary>Closes every task without committing and queues it to be rebuilt: state from the changelog, input from the last commit.</summary>
    public void RebuildAll(IReadOnlySet<TaskId>? except = null)
    {
        foreach (var id in _running.Keys.Concat(restorer.Tasks.Select(t => t.Id)).Concat(_pending).Distinct().ToList())
        {
            bool rebuild = except is null || !except.Contains(id);
            Close(id, dirty: true, keepInputAssigned: rebuild);
            if (rebuild) _pending.Add(id);
            KafkaMetrics.TaskRebuilds.Add(1);
            Rebuilds++;
        }
    }

    /// <summary>Closes everything cleanly (shutdown, after the last commit).</summary>
    public void CloseAll()
    {
        foreach (var id in _running.Keys.Concat(restorer.Tasks.Select(t => t.Id)).Concat(_pending).Distinct().ToList()) Close(id, dirty: false);
    }
}
