using Braid.Processors;
using Braid.Internal;
using Braid.Internal.Partitioning;
using Braid.Kafka.Internal;
using Braid.Serialization;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka;

/// <summary>
/// Runs a <see cref="Topology"/> on Apache Kafka, as Kafka Streams' <c>KafkaStreams</c>: instances with the same
/// <see cref="StreamsConfig.ApplicationId"/> form one consumer group and share the tasks (one per sub-topology and
/// partition); state lives in changelog topics and moves with its task.
/// </summary>
public sealed partial class BraidKafkaApplication : IAsyncDisposable
{
    private readonly Topology _topology;
    private readonly StreamsConfig _config;
    private readonly KafkaStreamsOptions _options;
    private readonly Func<KafkaStreamsOptions, ITopicAdmin> _adminFactory;
    private readonly ILogger _logger;
    private readonly object _stateLock = new();
    private StreamThreads? _threads;
    private TopicLayout? _layout;
    private KafkaClients? _clients;

    /// <summary>Creates the application (nothing connects before <see cref="StartAsync"/>).</summary>
    /// <param name="topology">The topology to run.</param>
    /// <param name="config">The shared settings (application id, error handling, logging).</param>
    /// <param name="options">The Kafka settings.</param>
    public BraidKafkaApplication(Topology topology, StreamsConfig config, KafkaStreamsOptions options)
        : this(topology, config, options, o => new AdminClientTopicAdmin(new KafkaClients(o, config.ApplicationId, "admin", config.LoggerFactory.CreateLogger("Braid.Kafka")).Base()))
    {
    }

    internal BraidKafkaApplication(Topology topology, StreamsConfig config, KafkaStreamsOptions options, Func<KafkaStreamsOptions, ITopicAdmin> adminFactory)
    {
        _topology = topology ?? throw new ArgumentNullException(nameof(topology));
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _adminFactory = adminFactory;
        _config.Validate();
        _options.Validate();
        _logger = config.LoggerFactory.CreateLogger("Braid.Kafka");
        InstanceId = InstanceIdentity.Resolve(options, config.ApplicationId, _logger);
    }

    /// <summary>
    /// This instance's name in instance metadata and in its transactional id: <see cref="KafkaStreamsOptions.ApplicationServer"/>,
    /// else an id persisted in the <see cref="KafkaStreamsOptions.StateDirectory"/> (the same across restarts), else a random id.
    /// </summary>
    public string InstanceId { get; }

    /// <summary>The current state.</summary>
    public StreamsState State { get; private set; } = StreamsState.Created;

    /// <summary>Raised on every state change (on the thread that caused it), as the embedded runtime's.</summary>
    public event EventHandler<StreamsStateChange>? StateChanged;

    /// <summary>The error that moved the application to <see cref="StreamsState.Error"/>, if any.</summary>
    public Exception? Error => _threads?.Error;

    /// <summary>This instance's running tasks ("subtopology_partition").</summary>
    public IReadOnlyList<string> ActiveTasks => _threads?.ActiveTasks ?? [];

    /// <summary>The names of this instance's live stream threads ("braid-stream-&lt;application id&gt;-&lt;index&gt;").</summary>
    public IReadOnlyList<string> StreamThreadNames => _threads?.Live.OrderBy(t => t.Index).Select(t => t.Name).ToList() ?? [];

    /// <summary>
    /// Adds a stream thread while running (Kafka Streams' <c>addStreamThread</c>): it joins the group, and the rebalance
    /// moves some tasks to it (each committed and closed by its old thread first). Under exactly-once it has its own
    /// transactional producer. Returns the new thread's name, or null when the application is not running or rebalancing.
    /// </summary>
    /// <returns>The thread's name, or null.</returns>
    public string? AddStreamThread() =>
        State is StreamsState.Running or StreamsState.Rebalancing ? _threads?.Add() : null;

    /// <summary>
    /// Removes a stream thread while running (Kafka Streams' <c>removeStreamThread</c>): the most recently added thread commits,
    /// closes its tasks and leaves the group; the remaining threads take the tasks over. The last thread is never removed.
    /// </summary>
    /// <param name="timeout">How long to wait for the thread to stop (default: <see cref="KafkaStreamsOptions.RequestTimeout"/>).</param>
    /// <returns>The removed thread's name, or null when only one thread is left or the application is not running.</returns>
    public async Task<string?> RemoveStreamThreadAsync(TimeSpan? timeout = null) =>
        State is StreamsState.Running or StreamsState.Rebalancing && _threads is { } t
            ? await t.RemoveAsync(timeout ?? _options.RequestTimeout).ConfigureAwait(false)
            : null;

    /// <summary>Input records not yet processed in this instance's task partitions (also the <c>braid.kafka.consumer.lag</c> gauge).</summary>
    public long ConsumerLag => _threads?.SumLive(t => t.Lag) ?? 0;

    /// <summary>The standby replicas this instance keeps ("subtopology_partition"; <see cref="KafkaStreamsOptions.NumStandbyReplicas"/>).</summary>
    public IReadOnlyList<string> StandbyTasks => _threads?.Standbys?.Tasks ?? [];

    /// <summary>Changelog records this instance's standby replicas have not applied yet (also the <c>braid.kafka.standby.lag</c> gauge).</summary>
    public long StandbyLag => _threads?.Standbys?.Lag ?? 0;

    /// <summary>The standby replicas of <see cref="StandbyTasks"/> that are warm-up replicas: tasks this instance restores before
    /// it takes them over for balance (lag-aware assignment, <see cref="KafkaStreamsOptions.MaxWarmupReplicas"/>); their lag is
    /// part of <see cref="StandbyLag"/>.</summary>
    public IReadOnlyList<string> WarmupTasks => _threads?.Standbys?.WarmupTasks ?? [];

    internal long StandbyRecords => _threads?.Standbys?.AppliedRecords ?? 0;

    /// <summary>The instance's standby updater (tests pause it to hold a standby behind).</summary>
    internal StandbyUpdater? Standbys => _threads?.Standbys;

    /// <summary>Test hook: set before <c>StartAsync</c>, the standby replicas (and warm-ups) start held back (<see cref="StandbyUpdater.Paused"/>).</summary>
    internal bool StandbysPausedAtStart { get; set; }

    internal long ProcessedRecords => _threads?.Sum(t => t.ProcessedRecords) ?? 0;

    internal long RestoredRecords => _threads?.Sum(t => t.RestoredRecords) ?? 0;

    internal int TaskRebuilds => (int)(_threads?.Sum(t => t.Rebuilds) ?? 0);

    internal long Commits => _threads?.Sum(t => t.Commits) ?? 0;

    internal long SkippedCommits => _threads?.Sum(t => t.SkippedCommits) ?? 0;

    /// <summary>Lag-aware assignment: subscription changes the threads made after their first subscription (each a rebalance).</summary>
    internal long SubscriptionChanges => _threads?.Sum(t => t.SubscriptionChanges) ?? 0;

    /// <summary>Lag-aware assignment: the tasks this instance's threads ask the group for (empty in the default mode).</summary>
    internal IReadOnlyList<string> AskedFor => _threads?.Live.SelectMany(t => t.AskedFor).Distinct().Order(StringComparer.Ordinal).ToList() ?? [];

    /// <summary>How often this instance repeats its announcement (tests shorten it; see <see cref="InstanceDirectory"/>).</summary>
    internal TimeSpan AnnouncementHeartbeat { get; set; } = InstanceDirectory.DefaultHeartbeat;

    internal int RefusedCommits => (int)(_threads?.Sum(t => t.RefusedCommits) ?? 0);

    internal int OffsetFetchRetries => (int)(_threads?.Sum(t => t.OffsetFetchRetries) ?? 0);

    internal int WipedTasks => _threads?.Live.FirstOrDefault()?.WipedTasks ?? 0; // one LocalTaskStates per instance

    internal long GlobalRecordsRead => _threads?.Live.FirstOrDefault(t => t.Index == 0)?.GlobalRecordsRead ?? 0;

    internal int CleanedUpTasks => _threads?.Live.FirstOrDefault()?.CleanedUpTasks ?? 0;

    internal TopicLayout? Layout => _layout;

    /// <summary>Each live stream thread's running tasks, by thread index.</summary>
    internal IReadOnlyDictionary<int, IReadOnlyList<string>> TasksPerThread =>
        _threads?.Live.ToDictionary(t => t.Index, t => t.ActiveTasks) ?? new Dictionary<int, IReadOnlyList<string>>();

    internal IReadOnlyDictionary<string, Braid.State.IStateStore>? GlobalStores => _threads?.GlobalStores;

    /// <summary>
    /// Checks the cluster (reachable within <see cref="KafkaStreamsOptions.RequestTimeout"/>, source topics exist,
    /// co-partitioning holds), creates and verifies internal topics, then starts processing in the background.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start-up checks.</param>
    /// <returns>A task that completes when processing has started (state Rebalancing).</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (State != StreamsState.Created) throw new InvalidOperationException($"the application was already started (state {State}).");
        return Task.Run(() =>
        {
            using var admin = _adminFactory(_options);
            var external = TopicLayout.ExternalTopics(_topology.Model);
            var partitions = admin.DescribeTopics(external, _options.RequestTimeout);
            cancellationToken.ThrowIfCancellationRequested();
            _layout = TopicLayout.Compute(_topology.Model, _config.ApplicationId, partitions);
            if (_options.TaskAssignment == TaskAssignment.LagAware) _layout.AddTaskTopics();
            EnsureInternalTopics(admin, _layout);
            var clients = _clients = new KafkaClients(_options, _config.ApplicationId, InstanceId, _logger);
            var guard = ClaimTopology(clients, _layout);
            var expected = new Dictionary<string, int>(partitions);
            foreach (var t in _layout.InternalTopics) expected[t.Name] = t.Partitions;
            var watch = new PartitionWatch(_adminFactory(_options), expected, _layout.GlobalTopics.ToHashSet(), PartitionWatch.IntervalOf(_options),
                _options.RequestTimeout, _logger);
            var directory = new InstanceDirectory(_layout.InstancesTopic, InstanceId, clients.PlainProducer(), clients.AssignedConsumer("directory", partitionEof: false),
                _config.TimeProvider, AnnouncementHeartbeat);
            var layout = _layout;
            var backend = StreamThreads.OpenBackend(_options, layout, _topology.Model);
            var local = backend is null ? null : new LocalTaskStates(backend, layout, _config.TimeProvider, _options.StateCleanupDelay, _logger);
            local?.MarkFoundTasksReleased();
            // Lag-aware assignment keeps warm-up replicas in the standby thread even without standbys (WarmupPlacement).
            var standbys = (_options.NumStandbyReplicas > 0 || _options.TaskAssignment == TaskAssignment.LagAware) && backend is not null
                ? new StandbyUpdater(_topology.Model, _config, _options, layout, backend, directory, clients.AssignedConsumer("standby", partitionEof: true), _logger) { Local = local, Paused = StandbysPausedAtStart }
                : null;
            StreamThreads? threads = null;
            threads = new StreamThreads((index, setState) => new KafkaStreamThread(_topology.Model, _config, _options, layout, clients.ForThread(index),
                partitions, directory, setState, index, backend, standbys)
            {
                Guard = guard, Watch = watch, Local = local, InstanceOwned = () => threads!.Owned(),
            }, directory, backend, standbys, SetState, _logger) { Guard = guard, Watch = watch };
            _threads = threads;
            StartDiagnostics();
            KeyValuePair<string, object?>[] tags = [new("application.id", _config.ApplicationId), new("instance", InstanceId)];
            if (standbys is not null)
            {
                KafkaMetrics.StandbyLagSources.Track(this, () => [new System.Diagnostics.Metrics.Measurement<long>(StandbyLag, tags)]);
                standbys.Start();
            }
            SetState(StreamsState.Rebalancing);
            KafkaMetrics.LagSources.Track(this, () => [new System.Diagnostics.Metrics.Measurement<long>(ConsumerLag, tags)]);
            for (int i = 0; i < _options.StreamThreads; i++) _threads.Add();
            _ = _threads.Finished.Task.ContinueWith(t =>
            {
                KafkaMetrics.LagSources.Untrack(this);
                KafkaMetrics.StandbyLagSources.Untrack(this);
                SetState(t.IsFaulted ? StreamsState.Error : StreamsState.NotRunning);
            }, TaskScheduler.Default);
        }, cancellationToken);
    }

    /// <summary>Commits, closes every task, leaves the group and stops (state PendingShutdown, then NotRunning).</summary>
    /// <param name="timeout">How long to wait for the stream thread (default: <see cref="KafkaStreamsOptions.RequestTimeout"/>).</param>
    /// <returns>A task that completes when the instance stopped.</returns>
    public Task CloseAsync(TimeSpan? timeout = null) => CloseAsync(timeout ?? _options.RequestTimeout, CancellationToken.None);

    /// <summary>
    /// As <see cref="CloseAsync(TimeSpan?)"/>, waiting until the instance stopped or <paramref name="cancellationToken"/> fires
    /// (a host's shutdown timeout): then it stops waiting, and closing goes on in the background.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait (not the close).</param>
    /// <returns>A task that completes when the instance stopped, or is cancelled when the token fires first.</returns>
    public Task CloseAsync(CancellationToken cancellationToken) => CloseAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    private async Task CloseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await CloseThreadsAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StopDiagnostics(); // the page saw PendingShutdown while the threads closed; now the socket goes
        }
    }

    private async Task CloseThreadsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        CloseLagProbe();
        if (_threads is null)
        {
            SetState(StreamsState.NotRunning);
            return;
        }
        if (State is StreamsState.NotRunning or StreamsState.Error)
        {
            await _threads.CloseAsync(timeout, kill: false).ConfigureAwait(false);
            return;
        }
        SetState(StreamsState.PendingShutdown);
        var threads = _threads;
        var closing = threads.CloseAsync(timeout, kill: false);
        try
        {
            // Cancelled (a host's shutdown timeout): stop waiting; closing goes on in the background.
            await closing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Stopped waiting for the stream threads (cancelled); they go on closing.");
            // The state still follows the close: before this, an instance whose close outlived the cancelled wait stayed in
            // PendingShutdown for good (a CI run of Close_with_a_fired_token_stops_waiting_while_the_instance_still_closes).
            _ = closing.ContinueWith(_ => SetState(threads.Error is null ? StreamsState.NotRunning : StreamsState.Error),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw; // the caller's wait is cancelled, as documented
        }
        SetState(threads.Error is null ? StreamsState.NotRunning : StreamsState.Error);
    }

    /// <summary>Stops as a crash would: no commit, no flush, no leaving the group (tests of fail-over).</summary>
    internal async Task KillAsync()
    {
        if (_threads is null) return;
        CloseLagProbe();
        await _threads.CloseAsync(TimeSpan.FromMinutes(1), kill: true).ConfigureAwait(false);
        StopDiagnostics();
    }

    /// <summary>Waits until the application reaches a state.</summary>
    internal async Task WaitForStateAsync(StreamsState state, TimeSpan timeout)
    {
        long started = _config.TimeProvider.GetTimestamp();
        while (State != state)
        {
            if (State == StreamsState.Error) throw new StreamsException("the application failed.", Error);
            if (_config.TimeProvider.GetElapsedTime(started) > timeout) throw new TimeoutException($"state {state} not reached within {timeout} (now {State}).");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>The topology as it runs here: internal topics carry their real names (<c>&lt;application id&gt;-&lt;name&gt;</c>).</summary>
    /// <returns>The description.</returns>
    public TopologyDescription Describe() => KafkaTopologyDescription.Describe(_topology, _config.ApplicationId);

    /// <summary>Which partition, task and instance hold a key of a store (for routing interactive queries).</summary>
    /// <param name="storeName">A store of the topology (not a global one: every instance has those).</param>
    /// <param name="key">The key.</param>
    /// <param name="keySerde">The serde the key was partitioned with (the producer's or the repartition's); the type's
    /// default when null. It is given the key context of a source topic feeding the store, as the producer was.</param>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <returns>The metadata; <see cref="KeyQueryMetadata.ActiveHost"/> is null while no instance runs the task.</returns>
    /// <exception cref="UnknownStateStoreException">No store has this name.</exception>
    /// <exception cref="InvalidStateStoreException">The store is a global one (every instance holds all of it: query it locally).</exception>
    public KeyQueryMetadata QueryMetadataForKey<TKey>(string storeName, TKey key, Serde<TKey>? keySerde = null)
    {
        ArgumentNullException.ThrowIfNull(storeName);
        var layout = _layout ?? throw Braid.Internal.Queries.StoreQueryRules.NotAvailable(storeName, State);
        if (!_topology.Model.Stores.ContainsKey(storeName)) throw Braid.Internal.Queries.StoreQueryRules.Unknown(_topology.Model, storeName);
        int sub = _topology.Model.Subtopologies.FindIndex(s => s.Any(n => n.Stores.Contains(storeName)));
        if (sub < 0 || _topology.Model.GlobalStoreNames.Contains(storeName))
            throw new InvalidStateStoreException(storeName, $"Store '{storeName}' is a global store: every instance holds all of it, so query it locally.");
        var serde = keySerde ?? Serdes.Default<TKey>();
        var bytes = serde.Serialize(key, Internal.StoreKeyContext.For(_topology.Model, layout, sub, storeName, serde.WritesHeaders));
        int partition = Murmur2Partitioner.Partition(bytes, layout.PartitionsPerSubtopology[sub]);
        string task = KafkaTask.Name(new TaskId(sub, partition));
        var directory = _threads?.Directory;
        return new KeyQueryMetadata(partition, task, directory?.HostOf(task)) { StandbyHosts = directory?.StandbyHostsOf(task) ?? [] };
    }

    /// <summary>Every instance of the application known to this one, with its tasks.</summary>
    /// <returns>The instances, this one included once it runs tasks.</returns>
    public IReadOnlyList<StreamsInstanceMetadata> AllMetadata() => _threads?.Directory.Snapshot() ?? [];

    private TopologyGuard ClaimTopology(KafkaClients clients, TopicLayout layout)
    {
        var description = TopologyFingerprint.Describe(_topology.Model, layout);
        var guard = new TopologyGuard(layout.TasksTopic, layout.Tasks.Count, TopologyFingerprint.Hash(description), description,
            clients.PlainProducer(), clients.AssignedConsumer("topology", partitionEof: true), _options.RequestTimeout, _logger);
        try
        {
            guard.Claim(_options.AllowTopologyChange);
            return guard;
        }
        catch
        {
            guard.Dispose();
            throw;
        }
    }

    private void EnsureInternalTopics(ITopicAdmin admin, TopicLayout layout)
    {
        if (_options.CreateInternalTopics) admin.CreateTopics(layout.InternalTopics, _options.RequestTimeout);
        var found = admin.DescribeTopics(layout.InternalTopics.Select(t => t.Name), _options.RequestTimeout);
        foreach (var t in layout.InternalTopics)
        {
            if (!found.TryGetValue(t.Name, out int n))
                throw new UnknownTopicException(t.Name, "this internal topic is missing and CreateInternalTopics is false; create it with " + t.Partitions + " partitions.");
            if (n != t.Partitions)
                throw new TopologyException($"internal topic '{t.Name}' has {n} partitions, but the topology needs {t.Partitions}.");
        }
    }

    private void SetState(StreamsState next)
    {
        StreamsState old;
        lock (_stateLock)
        {
            old = State;
            if (old == next || !Allowed(old, next)) return;
            State = next;
        }
        _logger.LogInformation("State {Old} -> {New}.", old, next);
        StateChanged?.Invoke(this, new StreamsStateChange(old, next));
    }

    // As Kafka Streams: once shutting down, only the end states follow; the end states are final.
    private static bool Allowed(StreamsState from, StreamsState to) => from switch
    {
        StreamsState.NotRunning or StreamsState.Error => false,
        StreamsState.PendingShutdown => to is StreamsState.NotRunning or StreamsState.Error,
        _ => true,
    };

    /// <summary>Closes the application (see <see cref="CloseAsync(TimeSpan?)"/>).</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);
}
