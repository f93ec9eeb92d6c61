using Braid.Embedded.Logs;
using Braid.Embedded.Runtime;
using Braid.Embedded.State;
using Braid.Internal;
using Braid.Internal.Faults;
using Braid.Internal.Runtime;
using Braid.Internal.State;
using Braid.State;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded;

/// <summary>
/// Runs a <see cref="Topology"/> inside this process (Kafka's <c>KafkaStreams</c> counterpart, without a
/// broker): topics are partitioned logs under the state directory, state is durable, and every commit
/// makes input offsets, state and output durable together. Construct it (validates the options, locks
/// the state directory, recovers logs and state), produce input, <see cref="StartAsync"/>, read output or
/// query stores, and <see cref="CloseAsync(TimeSpan?)"/>.
/// </summary>
public sealed partial class BraidApplication : IAsyncDisposable, IDisposable
{
    private readonly object _stateLock = new();
    private readonly TopologyModel _model;
    private readonly TopologyLayout _layout;
    private readonly UpstreamWatch _upstream;
    private readonly StateDirectoryLock _dirLock;
    private readonly IStateBackend _backend;
    private readonly LogManager _logs;
    private readonly LogActivity _activity = new();
    private readonly CommitCoordinator _commits;
    private readonly LogRecoveryPlan _recovery;
    private readonly ReaderWriterLockSlim _globalLock = new(LockRecursionPolicy.NoRecursion);
    private readonly ILogger _logger;
    private readonly List<EmbeddedStreamThread> _threads = new();
    private readonly LogCleaner _cleaner;
    private readonly InboxIngester _inbox;
    private readonly Braid.Internal.Diagnostics.DiagnosticsServer? _diagnostics;
    private EmbeddedTask? _globalTask;

    /// <summary>The global stores as stream tasks see them (<see cref="StreamTaskView"/>); empty without a global part.</summary>
    private IReadOnlyDictionary<string, IStateStore> _globalStores = new Dictionary<string, IStateStore>();
    private EmbeddedStreamThread? _globalThread;
    private int _threadCounter;
    private readonly ReplaceThreadBackoff _replaceBackoff;
    private bool _disposed;
    private Lazy<Task>? _closing;
    private Task? _starting;

    /// <summary>
    /// Validates <paramref name="options"/> (a <see cref="ConfigException"/> names the bad key before
    /// anything is written), locks the state directory (<see cref="StateDirectoryLockedException"/> if
    /// another instance holds it), opens the state and the topic logs, cutting torn tails and records
    /// beyond the last commit.
    /// </summary>
    /// <param name="topology">The topology to run.</param>
    /// <param name="options">The settings.</param>
    public BraidApplication(Topology topology, BraidApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (options is null) throw new ConfigException(nameof(options), "must not be null.");
        options.Validate();
        Options = options;
        _model = topology.Model;
        _layout = TopologyLayout.Compute(_model, options);
        _upstream = new UpstreamWatch(_model, _layout);
        _logger = options.Streams.LoggerFactory.CreateLogger("Braid.Embedded");
        AppDirectory = Path.Combine(Path.GetFullPath(options.StateDirectory), options.Streams.ApplicationId);
        if (Path.GetDirectoryName(Path.GetFullPath(AppDirectory)) != Path.GetFullPath(options.StateDirectory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
            throw new ConfigException("ApplicationId", $"'{options.Streams.ApplicationId}' does not name a directory directly under {options.StateDirectory}.");
        _dirLock = StateDirectoryLock.Acquire(AppDirectory);
        try
        {
            _backend = StateBackends.Create(Path.Combine(AppDirectory, "state"), options, _model);
            // Before any log is opened (recovery cuts logs by what the last commit stored for these tasks).
            var topologyEntry = TopologyCheck.Verify(_backend, _model, _layout, AppDirectory);
            _logs = new LogManager(AppDirectory, options);
            _commits = new CommitCoordinator(_backend, ExactlyOnce, options.Durability == Durability.PowerLoss, _activity);
            _recovery = new LogRecoveryPlan(_backend, options);
            foreach (var (topic, partitions) in _layout.Partitions) _logs.Open(topic, partitions, IsWritten(topic), _recovery);
            Failpoints.Hit(EmbeddedFailpoints.StartAfterLogsOpened);
            // What the next recovery checks itself against (a crash before this write repeats the same recovery).
            var metadata = LogRecoveryPlan.Metadata(options.ProcessingGuarantee, _logs.Topics.Values);
            metadata[topologyEntry.Key] = topologyEntry.Value;
            _backend.Commit([], metadata);
            _cleaner = new LogCleaner(_logs, options.LogCleanerInterval, _logger);
            // Batches other processes published (or one a crash interrupted) are taken in before anything runs.
            _inbox = new InboxIngester(AppDirectory, _logs, _activity, options.Durability == Durability.PowerLoss, _logger);
            _inbox.IngestAll();
            _replaceBackoff = new ReplaceThreadBackoff(options.ReplaceThreadBackoff, options.ReplaceThreadMaxBackoff);
            // Last: nothing below can fail, so an application that failed to open never leaves a socket behind.
            if (options.DiagnosticsSocket)
                _diagnostics = Braid.Internal.Diagnostics.DiagnosticsServer.TryStart(AppDirectory, r => Braid.Internal.Diagnostics.DiagnosticsHandler.Handle(this, r), _logger);
        }
        catch
        {
            _logs?.Dispose();
            _backend?.Dispose();
            _dirLock.Dispose();
            throw;
        }
    }

    /// <summary>The settings in force.</summary>
    public BraidApplicationOptions Options { get; }

    /// <summary>Where this application keeps its topics and state (<c>StateDirectory/ApplicationId</c>).</summary>
    public string AppDirectory { get; }

    /// <summary>The current state.</summary>
    public StreamsState State { get; private set; } = StreamsState.Created;

    /// <summary>The error that moved the application to <see cref="StreamsState.Error"/>, if any.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Raised on every state change (on the thread that caused it).</summary>
    public event EventHandler<StreamsStateChange>? StateChanged;

    private bool ExactlyOnce => Options.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce;

    /// <summary>
    /// Creates the tasks (restoring each from its last commit), catches the global tables up, starts the
    /// stream threads, and returns once the application is <see cref="StreamsState.Running"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting (the application keeps starting).</param>
    /// <returns>A task that completes when running.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        // An already-cancelled token means "do not start": nothing changes, the application stays Created and
        // can be started later. Once started, the token only cancels the wait; start-up itself runs to the end
        // (a start abandoned half-way would leave the state Rebalancing with no thread to finish it).
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (State != StreamsState.Created) throw new InvalidOperationException($"The application can be started only once (state {State}).");
            SetState(StreamsState.Rebalancing);
        }
        _starting = Task.Run(StartCore, CancellationToken.None);
        return _starting.WaitAsync(cancellationToken);
    }

    private void StartCore()
    {
        var tasks = new List<EmbeddedTask>();
        try
        {
            var globalStores = StartGlobal();
            foreach (var t in _layout.Tasks)
            {
                // Opening a task recovers its state from the state directory: the "restore" span of this host.
                var restore = Braid.Internal.Telemetry.BraidTracing.StartRestore($"task {t.Subtopology}_{t.Partition}");
                try { tasks.Add(CreateTask(t.Subtopology, t.Partition, globalStores)); }
                finally { Braid.Internal.Telemetry.BraidTracing.Stop(restore); }
                Failpoints.Hit(EmbeddedFailpoints.StartBetweenTaskRestores);
                ThrowIfClosing();
            }
            int n = Math.Min(Options.StreamThreads, Math.Max(1, tasks.Count));
            var groups = Enumerable.Range(0, n).Select(_ => new List<EmbeddedTask>()).ToList();
            for (int i = 0; i < tasks.Count; i++) groups[i % n].Add(tasks[i]);
            lock (_stateLock)
            {
                if (State != StreamsState.Rebalancing) throw new InvalidOperationException($"The application was stopped while starting (state {State}).");
                foreach (var g in groups) StartThread(g);
                tasks.Clear(); // the threads own them now
                _cleaner.Start();
                _inbox.Start(Fail);
                EmbeddedMetrics.Track(this);
                SetState(StreamsState.Running);
            }
        }
        catch (Exception e) when (Volatile.Read(ref _closing) is not null)
        {
            // A close during start-up (KafkaStreams.close() while REBALANCING ends NOT_RUNNING): not the application's
            // failure. The close owns the state and releases stores and logs; tasks no thread took are closed here.
            foreach (var t in tasks) DisposeQuietly(t);
            if (_globalThread is { } global)
            {
                // Started by this start-up, possibly after the close listed the threads to stop.
                global.RequestStop();
                global.Join(TimeSpan.FromSeconds(30));
            }
            throw new InvalidOperationException("The application was closed while starting; it did not start.", e);
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>Stops a start-up between restore steps once a close was requested (the close waits for the start to end).</summary>
    private void ThrowIfClosing()
    {
        if (Volatile.Read(ref _closing) is not null) throw new OperationCanceledException("The application is closing.");
    }

    private void DisposeQuietly(EmbeddedTask task)
    {
        try
        {
            task.Dispose();
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Closing task {Task} after an interrupted start threw.", task.Id);
        }
    }

    private IReadOnlyDictionary<string, IStateStore> StartGlobal()
    {
        var state = _backend.OpenTask(GlobalTaskId);
        var task = _model.CreateGlobalTask(Options.Streams, WallClock, StorePolicy.WithDurable(state.Stores));
        if (task is null)
        {
            state.Dispose();
            return new Dictionary<string, IStateStore>();
        }
        var inputs = _layout.GlobalTopics.SelectMany(t => _logs.Get(t).Partitions).ToArray();
        _globalTask = new EmbeddedTask(task, state, null, inputs, _backend, 0, Options.MaxPollRecords);
        // Bootstrap: stream tasks start only once the global tables hold everything committed so far.
        while (!_globalTask.CaughtUp)
        {
            ThrowIfClosing();
            _globalTask.Fetch(_globalTask.Runtime);
            _globalTask.Runtime.Process(int.MaxValue, WallClock(), _globalTask.IsCaughtUp);
        }
        _commits.Commit([_globalTask]);
        _globalThread = NewThread("braid-global", [_globalTask], globalWriter: true);
        _globalThread.Start();
        return _globalStores = StreamTaskView(task.Stores);
    }

    /// <summary>
    /// One object per global store is read by every stream task. Stream threads hold the global lock in read mode, so
    /// with more than one they read at once, and a store's reads mutate it (the RocksDB store's value cache, key buffer
    /// and iterator): each store is then handed out behind a lock of its own (<see cref="SharedReadsKeyValueStore{TKey,TValue}"/>,
    /// Kafka's <c>CachingKeyValueStore.get</c> rule). One stream thread never reads concurrently with itself and the
    /// global thread writes and commits under the write lock, so it reads the store directly, as before.
    /// </summary>
    private IReadOnlyDictionary<string, IStateStore> StreamTaskView(IReadOnlyDictionary<string, IStateStore> stores)
    {
        int threads = Math.Min(Options.StreamThreads, Math.Max(1, _layout.Tasks.Count()));
        if (threads <= 1) return stores;
        return stores.ToDictionary(kv => kv.Key, kv => kv.Value is ISharedReadsSource shared ? shared.ForSharedReads() : kv.Value);
    }

    private static readonly Braid.Processors.TaskId GlobalTaskId = new(-1, -1);

    private TimeProvider Clock => Options.Streams.TimeProvider;

    private long WallClock() => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private EmbeddedTask CreateTask(int subtopology, int partition, IReadOnlyDictionary<string, IStateStore> globalStores)
    {
        var id = new Braid.Processors.TaskId(subtopology, partition);
        var state = _backend.OpenTask(id);
        try
        {
            var collector = new OutputCollector(WrittenTopic);
            var task = _model.CreateTask(id, [subtopology], Options.Streams, collector, WallClock, StorePolicy.WithDurable(state.Stores), globalStores);
            var inputs = _layout.SubtopologySources[subtopology].Select(t => _logs.Get(t).Partitions[partition]).ToArray();
            var created = new EmbeddedTask(task, state, collector, inputs, _backend, (long)Options.MaxTaskIdle.TotalMilliseconds, Options.MaxPollRecords, _upstream);
            _upstream.Register(subtopology, partition, created);
            return created;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    private bool IsWritten(string topic) => _layout.Written.Contains(topic) || !_layout.Partitions.ContainsKey(topic);

    /// <summary>Topics chosen per record by a topic extractor are opened on first use.</summary>
    private TopicLog WrittenTopic(string topic)
    {
        if (_logs.TryGet(topic, out var log)) return log;
        BraidApplicationOptions.ValidateTopicName(topic, "topic");
        // Under the commit lock: the stored high-water mark must not overwrite one a concurrent commit just wrote.
        lock (_commits.Lock)
        {
            if (_logs.TryGet(topic, out log)) return log;
            log = _logs.Open(topic, Options.PartitionsOf(topic), IsWritten(topic), _recovery);
            var metadata = new Dictionary<string, byte[]?>();
            LogRecoveryPlan.AddTopic(metadata, log);
            _backend.Commit([], metadata);
            return log;
        }
    }

    private EmbeddedStreamThread NewThread(string name, List<EmbeddedTask> tasks, bool globalWriter, TimeSpan startDelay = default) =>
        new(name, tasks, _commits, _activity, Clock, Options.CommitInterval, ExactlyOnce, _globalTask is null ? null : _globalLock, globalWriter,
            _logger, OnThreadExit) { StartDelay = startDelay, Progress = _progress };

    private void StartThread(List<EmbeddedTask> tasks, TimeSpan startDelay = default)
    {
        var t = NewThread($"braid-stream-{++_threadCounter}", tasks, globalWriter: false, startDelay);
        _threads.Add(t);
        t.Start();
    }

    private void SetState(StreamsState next)
    {
        var old = State;
        if (old == next) return;
        State = next;
        _logger.LogInformation("Braid application {App}: {Old} -> {New}.", Options.Streams.ApplicationId, old, next);
        try
        {
            StateChanged?.Invoke(this, new StreamsStateChange(old, next));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A state listener threw.");
        }
        _progress.Pulse();
    }
}
