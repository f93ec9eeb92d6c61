using System.Diagnostics;
using Braid.Internal;
using Braid.Internal.Runtime;
using Braid.Internal.State;
using Braid.RocksDb;
using Braid.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The one stream thread of a Kafka instance (Kafka's <c>StreamThread.runOnce</c>). It owns every client and task, so
/// tasks, stores and producers are touched by this thread only; rebalance callbacks run inside its own poll calls.
/// Loop: poll the group (assignments) → one restore step → global updates → fetch input → process through the core
/// runtime (<see cref="TaskRunner{TTask}"/>: record choice, punctuation) → commit when due and not mid-rebalance.
/// The parts: <see cref="InputFetcher"/>, <see cref="KafkaRecordCollector"/>, <see cref="TaskCommitter"/>,
/// <see cref="TaskRebalanceListener"/>, <see cref="TaskManager"/>, <see cref="RestoreDriver"/>.
/// </summary>
internal sealed partial class KafkaStreamThread : ICommitSink<KafkaTask>
{
    private readonly TopologyModel _model;
    private readonly StreamsConfig _config;
    private readonly KafkaStreamsOptions _options;
    private readonly TopicLayout _layout;
    private readonly KafkaClients _clients;
    private readonly ILogger _logger;
    private readonly Action<StreamsState> _setState;
    private readonly IReadOnlyDictionary<string, int> _partitions;
    private readonly RebalanceTracker _rebalance = new();
    private readonly Thread _thread;
    private readonly List<KafkaTask> _runnable = new();
    private IConsumer<byte[]?, byte[]?>? _group;
    private LagAwareSubscription? _subscription; // lag-aware assignment only
    private KafkaRecordCollector? _output;
    private InputFetcher? _input;
    private RestoreDriver? _restorer;
    private TaskCommitter? _committer;
    private TaskManager? _tasks;
    private TaskRebalanceListener? _listener;
    private GlobalStateUpdater? _global;
    private RepartitionPurger? _purger;
    private readonly Stopwatch _purgeTimer = Stopwatch.StartNew();
    private readonly IStateBackend? _backend;
    private readonly StandbyUpdater? _standbys; // the instance's, shared by its threads (each task is used by one thread at a time)
    private volatile bool _stop;
    private volatile bool _kill;
    private long _lag;

    public KafkaStreamThread(TopologyModel model, StreamsConfig config, KafkaStreamsOptions options, TopicLayout layout, KafkaClients clients,
        IReadOnlyDictionary<string, int> partitions, InstanceDirectory directory, Action<StreamsState> setState, int index = 0, IStateBackend? backend = null,
        StandbyUpdater? standbys = null)
    {
        _standbys = standbys;
        Index = index;
        _backend = backend;
        _model = model;
        _config = config;
        _options = options;
        _layout = layout;
        _clients = clients;
        _partitions = partitions;
        Directory = directory;
        _setState = setState;
        _logger = config.LoggerFactory.CreateLogger("Braid.Kafka.StreamThread");
        Name = "braid-stream-" + layout.ApplicationId + "-" + index;
        _thread = new Thread(Run) { IsBackground = true, Name = Name };
    }

    /// <summary>This thread's index in its instance (names its transactional id; reused after a removal, as Kafka Streams').</summary>
    public int Index { get; }

    public string Name { get; }

    public InstanceDirectory Directory { get; }

    /// <summary>Fences this instance when another topology takes the application id over.</summary>
    public TopologyGuard? Guard { get; init; }

    /// <summary>Stops the instance when a topic's partition count changes under it.</summary>
    public PartitionWatch? Watch { get; init; }

    public int WipedTasks => _local?.Wiped ?? 0;

    public int CleanedUpTasks => _local?.CleanedUp ?? 0;

    /// <summary>The instance's on-disk task states (shared by its threads); null without a state directory.</summary>
    public LocalTaskStates? Local { get; init; }

    /// <summary>Every task any thread or standby of this instance owns (the clean-up, run by thread 0 only, must spare them all).</summary>
    public Func<IReadOnlySet<Braid.Processors.TaskId>>? InstanceOwned { get; init; }

    /// <summary>This thread's owned tasks as of its last loop (read by other threads; refreshed every half second).</summary>
    public IReadOnlySet<Braid.Processors.TaskId> OwnedSnapshot { get; private set; } = new HashSet<Braid.Processors.TaskId>();

    private readonly Stopwatch _ownedTimer = Stopwatch.StartNew();

    private LocalTaskStates? _local => Local;
    private readonly Stopwatch _cleanupTimer = Stopwatch.StartNew();
    private readonly Stopwatch _globalCommitTimer = Stopwatch.StartNew();

    public long GlobalRecordsRead => _global?.RecordsRead ?? 0;

    public Exception? Error { get; private set; }

    public long ProcessedRecords => Interlocked.Read(ref _processed);

    private long _processed;

    /// <summary>Records in the input partitions of this instance's tasks not fetched yet (refreshed at each commit).</summary>
    public long Lag => Interlocked.Read(ref _lag);

    // Counters read by the instance's metrics and the dashboard.
    public long RestoredRecords => _restorer?.TotalRestored ?? 0;
    public int Rebuilds => _tasks?.Rebuilds ?? 0;
    public long Commits => _committer?.Commits ?? 0;
    public long SkippedCommits => _rebalance.SkippedCommits;
    public int SubscriptionChanges => _subscription?.Changes ?? 0;
    public IReadOnlyList<string> AskedFor => _subscription?.AskedFor ?? [];
    public int RefusedCommits => _committer?.Refused ?? 0;
    public int OffsetFetchRetries => _tasks?.OffsetFetchRetries ?? 0;

    public IReadOnlyList<string> ActiveTasks { get; private set; } = [];

    public IReadOnlyDictionary<string, IStateStore>? GlobalStores => _global?.Stores;

    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool ExactlyOnce => _options.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce;

    public void Start() => _thread.Start();

    public void RequestStop() => _stop = true;

    /// <summary>Simulates a crash: the thread stops without committing, flushing or leaving the group.</summary>
    public void Kill()
    {
        _kill = true;
        _stop = true;
    }

    private void Run()
    {
        try
        {
            Open();
            var runner = new TaskRunner<KafkaTask>(_runnable, this, _config.TimeProvider, _options.EffectiveCommitInterval, 1000);
            var commitTimer = Stopwatch.StartNew();
            var renewalTimer = Stopwatch.StartNew();
            while (!_stop)
            {
                // Everything that opens, writes or closes stores runs under the query lock; the blocking input poll does not,
                // so interactive queries (StoreQueries) get in at least once per loop.
                lock (QueryLock)
                {
                    MaybeRejoin(); // test hook (KafkaStreamThread.Rejoin.cs)
                    PollGroup();
                    _subscription?.Refresh(_group!, () => _tasks!.Owned, steady: _listener!.AssignedOnce && !_rebalance.InProgress);
                    if (_tasks!.HasWork && _tasks.Step()) Announce();
                    _global?.Poll(1000);
                    if (_globalCommitTimer.Elapsed >= _options.EffectiveCommitInterval)
                    {
                        _global?.Commit(); // local only (stores + checkpoint in one batch): not held back by rebalances
                        _globalCommitTimer.Restart();
                    }
                }
                Directory.Poll();
                if (Watch is { } watch)
                {
                    lock (watch) watch.MaybeCheck(); // the instance's, shared by its threads
                }
                if (_ownedTimer.ElapsedMilliseconds >= 500)
                {
                    OwnedSnapshot = _tasks.Owned;
                    _ownedTimer.Restart();
                }
                if (Index == 0 && _local is not null && _cleanupTimer.Elapsed >= _options.StateCleanupDelay)
                {
                    // Kafka's StateDirectory.cleanRemovedTasks, run every state.cleanup.delay.ms, by one thread for the instance.
                    _local.CleanRemoved(InstanceOwned?.Invoke() ?? _tasks.Owned);
                    _cleanupTimer.Restart();
                }
                _input!.Poll(_runnable.Count == 0 && !_tasks.HasWork ? 50 : 10, 2000);
                lock (QueryLock) RunOnce(runner, commitTimer, renewalTimer);
            }
            if (!_kill)
            {
                lock (QueryLock) CloseCleanly();
            }
        }
        catch (Exception e)
        {
            Error = e;
            _logger.LogError(e, "Stream thread failed.");
        }
        finally
        {
            // Signal only after every client and the state directory lock are released, so a successor can start at once.
            lock (QueryLock) DisposeClients(); // no query reads a store while its database closes

            if (Error is null) Finished.TrySetResult();
            else Finished.TrySetException(Error);
        }
    }

    private void RunOnce(TaskRunner<KafkaTask> runner, Stopwatch commitTimer, Stopwatch renewalTimer)
    {
        Refresh();
        PublishTasks(); // for the dashboard (KafkaStreamThread.Snapshot.cs)
        Interlocked.Add(ref _processed, runner.ProcessBatch(runner.WallClockMs));
        if (renewalTimer.Elapsed >= _options.InputOffsetRenewal)
        {
            foreach (var t in _runnable) t.RenewOffsets(); // committed with the next commit (see KafkaTask.RenewOffsets)
            renewalTimer.Restart();
        }
        if (commitTimer.Elapsed >= _options.EffectiveCommitInterval)
        {
            // As Kafka Streams' StreamThread.maybeCommit: not during a rebalance (refused there); retried when it completes.
            if (_rebalance.InProgress)
            {
                _rebalance.Skipped();
            }
            else
            {
                runner.Commit();
                commitTimer.Restart();
            }
            // Also when nothing was committed: a transaction marker after the last record is passed only by a later fetch,
            // and a lag sampled at the last commit would stay 1 for good (an idle instance never settled).
            Interlocked.Exchange(ref _lag, _input!.Lag());
        }
        if (_listener!.AssignedOnce && !_tasks!.HasWork) _setState(StreamsState.Running);
    }

    /// <summary>Held by this thread whenever it opens, writes or closes stores; interactive queries read under it.</summary>
    public object QueryLock { get; } = new();

    /// <summary>This thread's tasks a query may read (call under <see cref="QueryLock"/>): running ones, and with
    /// <paramref name="stale"/> also those still restoring (Kafka's enableStaleStores).</summary>
    public IEnumerable<KafkaTask> QueryableTasks(bool stale) =>
        _tasks is null ? [] : stale ? _tasks.Running.Concat(_restorer!.Tasks) : _tasks.Running;

    /// <summary>Whether a task handed to a query is still one this thread would hand out (call under <see cref="QueryLock"/>).</summary>
    public bool StillQueryable(KafkaTask task, bool stale) => !_stop && QueryableTasks(stale).Contains(task);

    /// <summary>Set once the thread stops (closing, removed or killed): its tasks are no longer queryable (read without a lock).</summary>
    public bool Stopping => _stop;

    /// <summary>Whether this thread's global stores may still be read (call under <see cref="QueryLock"/>): not once it stops,
    /// as it disposes them on the way out.</summary>
    public bool GlobalQueryable => !_stop;

    /// <summary>
    /// The changelog partitions of this thread's tasks with their store and how far the store has read (call under
    /// <see cref="QueryLock"/>): a running task's stores are at the end (null; Kafka's <c>Task.LATEST_OFFSET</c>), a restoring
    /// one's where its restore reached.
    /// </summary>
    public List<(string Store, TopicPartition Partition, long? Position)> ChangelogPositions()
    {
        var result = new List<(string, TopicPartition, long?)>();
        if (_tasks is null || _stop) return result;
        foreach (var t in _tasks.Running)
            result.AddRange(t.Restorable.Select(r => (r.Store.Name, new TopicPartition(r.ChangelogTopic, t.Id.Partition), (long?)null)));
        foreach (var t in _restorer!.Tasks)
        {
            foreach (var r in t.Restorable)
            {
                var tp = new TopicPartition(r.ChangelogTopic, t.Id.Partition);
                result.Add((r.Store.Name, tp, _restorer.Position(tp) ?? 0));
            }
        }
        return result;
    }

    /// <summary>The commit sink of the core runner: every running task commits together (one producer, one transaction).</summary>
    public void Commit(IReadOnlyList<KafkaTask> dirty)
    {
        if (!_committer!.Commit(_runnable))
        {
            _tasks!.RebuildAll();
        }
        else if (_purgeTimer.Elapsed >= RepartitionPurger.Interval)
        {
            _purger!.Purge(_runnable.SelectMany(t => t.CommittedPositions));
            _purgeTimer.Restart();
        }
        Interlocked.Exchange(ref _lag, _input!.Lag());
    }

    private void Open()
    {
        _purger = new RepartitionPurger(new AdminClientBuilder(_clients.Base()).SetLogHandler((_, _) => { }).Build(), _layout, _logger);
        _output = new KafkaRecordCollector(_clients, _layout, ExactlyOnce, _options.RequestTimeout, _backend is not null);
        _output.Open();
        _input = new InputFetcher(_clients.AssignedConsumer("input", partitionEof: true), _layout, _logger);
        _restorer = new RestoreDriver(_clients.AssignedConsumer("restore", partitionEof: true), _logger, new TracingRestoreListener(_options.RestoreListener), _options.RequestTimeout);
        _committer = new TaskCommitter(_output, () => _group!, _backend, _rebalance, ExactlyOnce, _options.RequestTimeout, _logger);
        _tasks = new TaskManager(_model, _config, _options, _layout, _output, _input, _restorer, _committer, _backend, _logger)
        {
            Group = () => _group!, Local = _local, Standbys = _standbys,
        };
        if (_layout.GlobalTopics.Length > 0)
        {
            _global = new GlobalStateUpdater(_model, _config, _layout, _clients.AssignedConsumer("global", partitionEof: true), _partitions,
                // Thread 0 persists the global stores in the instance's backend; other threads keep in-memory copies (two
                // updaters writing the same keys and checkpoints into one database would race).
                Index == 0 ? _backend as RocksDbStateBackend : null, _options.RequestTimeout, _logger);
            _global.Bootstrap(_options.RestoreTimeout);
            _tasks.GlobalStores = _global.Stores;
        }
        _listener = new TaskRebalanceListener(_layout, _tasks, _committer, _rebalance, ExactlyOnce, _setState, Announce, _logger)
        {
            VerifyTopology = Guard is not { } guard ? null : () =>
            {
                lock (guard) guard.Verify(); // the instance's, shared by its threads
            },
        };
        _group = _clients.GroupConsumer(_listener.OnAssigned, _listener.OnRevoked, _listener.OnLost, _rebalance.OnStatistics);
        if (_layout.PerTaskTopics)
        {
            Directory.ReadToEnd(TimeSpan.FromTicks(Math.Min(_options.RequestTimeout.Ticks, TimeSpan.FromSeconds(10).Ticks)));
            _subscription = new LagAwareSubscription(_layout, Directory, _options, CommitBeforeResubscribe, _logger);
            _subscription.Refresh(_group, () => _tasks.Owned, steady: false, now: true);
        }
        else
        {
            _group.Subscribe(_layout.TasksTopic);
        }
    }

    private void PollGroup()
    {
        try
        {
            // Drives the group protocol and its callbacks. The task topic's only records are topology fingerprints: one
            // arriving (another topology may have taken the application id over) is checked against the one in force.
            var r = _group!.Consume(TimeSpan.Zero);
            if (Guard is { } guard)
            {
                lock (guard) guard.Observe(r); // one guard per instance, shared by its threads
            }
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            _logger.LogWarning("Group poll: {Reason}", e.Error.Reason);
        }
        // A rebalance callback failed: the assignment step completed, so the thread can stop and close its consumer now.
        if (_listener?.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>The runner's task list follows the task manager's running tasks.</summary>
    private void Refresh()
    {
        if (_runnable.Count == _tasks!.Running.Count && _runnable.All(t => t.Running)) return;
        _runnable.Clear();
        _runnable.AddRange(_tasks.Running.OrderBy(t => t.Id.Subtopology).ThenBy(t => t.Id.Partition));
    }

    private void Announce()
    {
        Refresh();
        ActiveTasks = _tasks!.RunningNames();
        // Lag-aware assignment: tasks held but not running yet (restoring) count as caught up, so nobody else asks for them.
        Directory.Announce(Index, ActiveTasks, _layout.PerTaskTopics ? _tasks.Owned.Select(KafkaTask.Name).Except(ActiveTasks) : null);
    }

    /// <summary>
    /// Lag-aware assignment changes this member's subscription, which starts a rebalance: commit first (the member is steady,
    /// so the commit is accepted), as Kafka Streams commits before its own rebalances; during the rebalance commits wait.
    /// </summary>
    private void CommitBeforeResubscribe()
    {
        Refresh();
        if (_runnable.Count > 0 && !_committer!.Commit(_runnable, force: true)) _tasks!.RebuildAll();
    }

    private void CloseCleanly()
    {
        Refresh();
        _committer!.Commit(_runnable, force: true);
        _global?.Commit();
        _tasks!.CloseAll();
        Directory.Announce(Index, []); // the instance withdraws as a whole when its last thread stopped (StreamThreads)
        _group!.Close();
    }

    private void DisposeClients()
    {
        if (Error is not null && !_kill) LeaveGroupAfterFailure(); // a kill disposes without Close: noticed at session timeout, as a crash
        _group?.Dispose();
        _input?.Dispose();
        _restorer?.Dispose();
        _global?.Dispose();
        _output?.Dispose();
        _purger?.Dispose();
        // The state backend, topology guard and partition watch are the instance's (StreamThreads disposes them after the
        // last thread): uncommitted store writes of tasks this thread held are dropped there, the changelog restores them.
    }
}
