using System.Diagnostics;
using Braid.Internal;
using Braid.Internal.Faults;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The standby tasks of one instance (Kafka's <c>StandbyTask</c>, updated by the state updater / <c>StoreChangelogReader</c>
/// in standby mode): warm copies of other instances' task stores, kept by reading their changelogs, in the instance's
/// state backend. Which tasks: <see cref="StandbyPlacement"/> over the live instances of the <see cref="InstanceDirectory"/>.
/// Its own thread: heartbeat → read announcements → place → open/close standbys → apply changelog records → commit
/// (state + a checkpoint per changelog partition, one atomic write, as an active task's) every commit interval.
/// <para>Fail-over: when the group gives this instance a task whose standby it keeps, the stream thread claims it
/// (<see cref="Claim"/>): the standby commits and closes under the lock, and the active task opens the same state and
/// restores only the changelog tail after the standby's checkpoint (TaskManager / RestoreDriver, unchanged). A crash at
/// any point is safe: state and checkpoint are written together, and the changelog is the truth past the checkpoint.</para>
/// <para>In-memory stores are kept too (<see cref="KeptInMemoryStores"/>), fed from the changelog's start, never checkpointed (a restart
/// rebuilds them, as in Kafka); on promotion they are handed over with the positions they were applied up to (<see cref="TakeHandOver"/>),
/// so the active task restores only the tail; one dropped before its restore began: <see cref="StandbyHandOvers"/>.</para>
/// </summary>
internal sealed partial class StandbyUpdater : IDisposable
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LiveWindow = TimeSpan.FromSeconds(10);
    private readonly object _lock = new();
    private readonly Dictionary<TaskId, Standby> _standbys = new();
    private readonly HashSet<TaskId> _claimed = new();
    private readonly StandbyHandOvers _handOvers = new();
    private readonly Queue<TopicPartition> _released = new();
    private readonly Dictionary<TopicPartition, Position> _positions = new();
    private readonly TopologyModel _model;
    private readonly StreamsConfig _config;
    private readonly KafkaStreamsOptions _options;
    private readonly TopicLayout _layout;
    private readonly IStateBackend _backend;
    private readonly InstanceDirectory _directory;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _applied;
    private int _disposed;
    private string[] _announced = [];
    private HashSet<string> _caughtUp = new(StringComparer.Ordinal);

    public StandbyUpdater(TopologyModel model, StreamsConfig config, KafkaStreamsOptions options, TopicLayout layout, IStateBackend backend,
        InstanceDirectory directory, IConsumer<byte[]?, byte[]?> consumer, ILogger logger)
    {
        (_model, _config, _options, _layout, _backend, _directory, _consumer, _logger) = (model, config, options, layout, backend, directory, consumer, logger);
        _origin = directory.Time.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "braid-standby-" + layout.ApplicationId };
    }

    /// <summary>Changelog records applied to standby stores since start.</summary>
    public long AppliedRecords => Interlocked.Read(ref _applied);

    /// <summary>Records the standbys are behind their changelogs' ends (refreshed as they read; the <c>braid.kafka.standby.lag</c> gauge).</summary>
    public long Lag { get; private set; }

    public Exception? Error { get; private set; }

    /// <summary>The instance's on-disk task states: standbys count as owned (never cleaned up), and released when closed.</summary>
    public LocalTaskStates? Local { get; init; }

    public IReadOnlyList<TaskId> TaskIds
    {
        get
        {
            lock (_lock) return _standbys.Keys.ToList();
        }
    }

    public IReadOnlyList<string> Tasks
    {
        get
        {
            lock (_lock) return _standbys.Keys.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition).Select(KafkaTask.Name).ToList();
        }
    }

    public void Start() => _thread.Start();

    /// <summary>Test hook: while set, the standbys read nothing (they lag), but stay placed, announced and queryable.</summary>
    internal bool Paused { get; set; }

    /// <summary>Held while a standby store is written, committed or closed; queries of standby stores read under it.</summary>
    public object QueryLock => _lock;

    /// <summary>Set once the updater stops: its standbys are no longer queryable (read without a lock).</summary>
    public bool Stopping => _stop;

    /// <summary>The open standby tasks (call under <see cref="QueryLock"/>).</summary>
    public IEnumerable<KafkaTask> QueryableTasks => _standbys.Values.Select(s => s.Task);

    /// <summary>Whether a standby handed to a query is still open (call under <see cref="QueryLock"/>): not once closing began.</summary>
    public bool StillQueryable(KafkaTask task) => !_stop && _standbys.TryGetValue(task.Id, out var s) && s.Task == task;

    /// <summary>
    /// How far each standby changelog partition has been read (the next offset; call under <see cref="QueryLock"/>), with its
    /// store's name — the standby part of <c>AllLocalStorePartitionLags</c>.
    /// </summary>
    public IEnumerable<(string Store, TopicPartition Partition, long Position)> Positions() =>
        _positions.Select(kv => (kv.Value.Store.Store.Name, kv.Key, Math.Max(kv.Value.Next, kv.Value.Read)));

    /// <summary>Each standby task with the changelog records it has not applied yet (call under <see cref="QueryLock"/>; the dashboard's standby rows).</summary>
    public IEnumerable<(TaskId Task, long Lag)> TaskLags() =>
        _standbys.Select(kv => (kv.Key, kv.Value.Partitions.Values.Sum(p => Math.Max(0, p.End - Math.Max(p.Next, p.Read)))));

    /// <summary>A stream thread of this instance takes the task: its standby (if any) commits and closes first, and none opens while claimed.</summary>
    public void Claim(TaskId id)
    {
        lock (_lock)
        {
            _claimed.Add(id);
            if (!_standbys.Remove(id, out var s))
            {
                _handOvers.Reclaim(id); // dropped moments ago and not reopened: the same stores, nothing applied since
                return;
            }
            Close(s, reason: "promoted to active", release: false, handOver: true);
            Failpoints.Hit(HandOverFailpoints.StandbyClaimed);
        }
    }

    /// <summary>The in-memory stores of the standby promoted by <see cref="Claim"/>, for the stream thread building the active task (once; else null).</summary>
    public InMemoryHandOver? TakeHandOver(TaskId id)
    {
        lock (_lock) return _handOvers.Take(id);
    }

    /// <summary>Hand-overs not settled yet, and (test hook) their logged steps (read under <see cref="QueryLock"/>); test hooks.</summary>
    internal StandbyHandOvers HandOvers => _handOvers;
    internal HandOverTestHooks Hooks { get; } = new();

    /// <summary>The stream thread closed the task (revoked, lost or shut down): a standby may keep it from now on.</summary>
    public void Unclaim(TaskId id)
    {
        lock (_lock)
        {
            _claimed.Remove(id);
            _handOvers.Drop(id); // never taken (revoked before its restore began): back to a standby here, or closed (Place)
        }
    }

    private void Run()
    {
        var beat = Stopwatch.StartNew();
        var commit = Stopwatch.StartNew();
        try
        {
            while (!_stop)
            {
                if (beat.Elapsed >= HeartbeatInterval)
                {
                    _directory.Heartbeat();
                    beat.Restart();
                }
                _directory.Poll();
                Place();
                if (Paused) Thread.Sleep(20);
                Apply(Paused ? 0 : 1000, 50); // paused: reads nothing, but the lags still follow the changelogs' ends
                if (commit.Elapsed >= _options.EffectiveCommitInterval)
                {
                    Commit();
                    commit.Restart();
                }
            }
            lock (_lock)
            {
                foreach (var s in _standbys.Values) Close(s, reason: "shutdown", release: true);
                _standbys.Clear();
                _handOvers.DisposeAll();
            }
        }
        catch (Exception e)
        {
            if (_stop) return; // closing: the backend or the consumer went away under a last step; checkpoints already written stay valid
            // A standby is an optimisation: its failure must not stop active processing. Fail-overs then restore from
            // the last standby checkpoint, or fully.
            Error = e;
            _logger.LogError(e, "Standby updater failed; standby replicas of this instance stop being updated.");
        }
    }

    private void Apply(int max, int waitMs)
    {
        for (int i = 0; i < max; i++)
        {
            var r = _consumer.Consume(i == 0 ? TimeSpan.FromMilliseconds(waitMs) : TimeSpan.Zero);
            if (r is null) break;
            lock (_lock)
            {
                if (!_positions.TryGetValue(r.TopicPartition, out var p)) continue; // released meanwhile (claimed by a stream thread)
                if (r.IsPartitionEOF)
                {
                    p.End = r.Offset.Value;
                    continue;
                }
                if (r.Offset.Value < p.Next) continue; // from an assignment before a re-open: already in the state
                p.Store.Restore(r.Message.Key!, r.Message.Value, r.Message.Timestamp.UnixTimestampMs);
                p.Next = r.Offset.Value + 1;
                p.End = Math.Max(p.End, p.Next);
                Interlocked.Increment(ref _applied);
                KafkaMetrics.StandbyRecords.Add(1);
            }
        }
        lock (_lock)
        {
            long lag = 0;
            foreach (var (tp, p) in _positions)
            {
                // The high watermark as of the last fetch (no request); transaction markers occupy offsets but are never
                // delivered, so the consumer's position, not the last applied offset, says how far the standby has read.
                var wm = _consumer.GetWatermarkOffsets(tp);
                if (wm.High != Offset.Unset) p.End = Math.Max(p.End, wm.High.Value);
                var pos = _consumer.Position(tp);
                p.Read = pos != Offset.Unset ? Math.Max(p.Next, pos.Value) : p.Next;
                lag += Math.Max(0, p.End - p.Read);
            }
            Lag = lag;
            if (_options.TaskAssignment == TaskAssignment.LagAware) AnnounceCaughtUp();
        }
    }

    /// <summary>
    /// Lag-aware assignment: announces the standbys within <see cref="KafkaStreamsOptions.AcceptableRecoveryLag"/> of their
    /// changelogs' ends (Kafka's <c>HighAvailabilityTaskAssignor.tasksToCaughtUpClients</c>), so this instance asks the group for
    /// them (<see cref="LagAwareEligibility"/>). One counted caught up stays so until it falls behind by the bound plus
    /// max(bound, 1,000) records: each change of the set is a rebalance, and a standby hovering at the bound must not cause a
    /// rebalance per fetch. Every standby's lag is also announced (with the next heartbeat) for Kafka's least-lag fallback.
    /// Call under the lock.
    /// </summary>
    private void AnnounceCaughtUp()
    {
        long enter = _options.AcceptableRecoveryLag;
        long leave = enter + Math.Max(enter, 1000);
        var now = new HashSet<string>(StringComparer.Ordinal);
        var lags = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, s) in _standbys)
        {
            // A store the standby does not keep (a changelog re-created under it) would restore fully.
            if (s.Partitions.Count < s.Task.Restorable.Count) continue;
            string name = KafkaTask.Name(id);
            long taskLag = s.Partitions.Values.Sum(p => Math.Max(0, p.End - p.Read));
            lags[name] = taskLag;
            if (taskLag <= (_caughtUp.Contains(name) ? leave : enter)) now.Add(name);
        }
        _directory.SetLags(lags);
        if (now.SetEquals(_caughtUp)) return;
        _caughtUp = now;
        _directory.AnnounceCaughtUp(now);
    }

    /// <summary>Persists every standby's state with its checkpoints (one atomic write): a restart or promotion reads only what follows.</summary>
    private void Commit()
    {
        lock (_lock)
        {
            if (_standbys.Count == 0) return;
            _backend.Commit(_standbys.Values.Select(s => s.Task.State!).ToList(), Checkpoints(_standbys.Values));
            Failpoints.Hit(HandOverFailpoints.StandbyCheckpointed);
        }
    }

    // On-disk stores only: an in-memory store's checkpoint would claim state a restart no longer has.
    private static Dictionary<string, byte[]?> Checkpoints(IEnumerable<Standby> standbys) =>
        standbys.SelectMany(s => s.Partitions.Where(kv => s.Task.Checkpointed.Contains(kv.Key.Topic))).ToDictionary(kv => KafkaTask.CheckpointKey(kv.Key),
            kv => (byte[]?)Braid.Internal.Runtime.CommitMetadata.Encode(kv.Value.Next), StringComparer.Ordinal);

    // Under the lock. The standby's last applied records become durable with their checkpoint, so the next owner of the
    // state (an active task here, or this standby reopened) reads on from exactly there. A hand-over keeps the in-memory
    // stores open for the active task, with the offsets they were applied up to (Next: applied, never merely fetched).
    private void Close(Standby s, string reason, bool release, bool handOver = false)
    {
        if (release) Local?.MarkReleased([s.Task.Id]); // the clean-up delay counts from here, as for an active task
        _backend.Commit([s.Task.State!], Checkpoints([s]));
        var inMemory = s.Partitions.Where(kv => !s.Task.Checkpointed.Contains(kv.Key.Topic)).ToDictionary(kv => kv.Key, kv => kv.Value.Next);
        if (handOver && inMemory.Count > 0)
        {
            s.Task.CloseKeeping(s.Memory.Names);
            _handOvers.Give(s.Task.Id, new InMemoryHandOver(s.Memory, inMemory));
        }
        else
        {
            s.Task.Close(dirty: false);
        }
        foreach (var tp in s.Partitions.Keys)
        {
            _positions.Remove(tp);
            _released.Enqueue(tp);
        }
        _logger.LogInformation("Standby task {Task} closed ({Reason}).", KafkaTask.Name(s.Task.Id), reason);
    }

    private void UnassignReleased()
    {
        var tps = new List<TopicPartition>();
        while (_released.TryDequeue(out var tp)) tps.Add(tp);
        var held = tps.Distinct().Where(_consumer.Assignment.Contains).ToList();
        if (held.Count > 0) _consumer.IncrementalUnassign(held);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop = true;
        if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(30));
        _consumer.Dispose();
    }

    private sealed class Standby(KafkaTask task, KeptInMemoryStores memory)
    {
        public KafkaTask Task { get; } = task;

        public KeptInMemoryStores Memory { get; } = memory;

        public Dictionary<TopicPartition, Position> Partitions { get; } = new();
    }

    private sealed class Position(RestorableStore store, long next, long end)
    {
        public RestorableStore Store { get; } = store;

        public long Next { get; set; } = next;

        public long End { get; set; } = end;

        /// <summary>The consumer's position as of the last read (past transaction markers, which are never delivered).</summary>
        public long Read { get; set; } = next;
    }
}
