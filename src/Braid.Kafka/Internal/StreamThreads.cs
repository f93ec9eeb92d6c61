using Braid.Internal;
using Braid.Internal.State;
using Braid.RocksDb;
using Braid.State;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The stream threads of one instance (Kafka's <c>KafkaStreams.threads</c>, <c>addStreamThread</c>, <c>removeStreamThread</c>).
/// Each thread is its own member of the application's group, so the group spreads the task-topic partitions — the
/// tasks — over every thread of every instance; each thread has its own producer (its own transactional id under
/// exactly-once, <see cref="KafkaClients.ForThread"/>), its own input, restore and global consumers, and commits only
/// its own tasks. A thread added while running joins the group (a rebalance moves tasks to it, each committed and
/// closed by its old thread first); a removed thread commits, closes its tasks and leaves the group, and the
/// others take them over. The instance shares one state backend (RocksDB; a task's state can move between its
/// threads through the checkpoint) and one <see cref="InstanceDirectory"/> (announcing the union of the threads' tasks).
/// The instance is Running when every live thread is; a thread that fails stops the instance (Kafka Streams' default
/// uncaught-exception response, SHUTDOWN_CLIENT).
/// </summary>
internal sealed class StreamThreads(Func<int, Action<StreamsState>, KafkaStreamThread> create, InstanceDirectory directory,
    IStateBackend? backend, StandbyUpdater? standbys, Action<StreamsState> setState, ILogger logger)
{
    public StandbyUpdater? Standbys => standbys;

    /// <summary>The instance's topology guard and partition watch: disposed with the instance, not with a thread.</summary>
    public IDisposable? Guard { get; init; }

    public IDisposable? Watch { get; init; }

    /// <summary>Every task a thread or the standby updater of this instance holds (what the state clean-up must spare).</summary>
    public IReadOnlySet<Braid.Processors.TaskId> Owned()
    {
        var owned = new HashSet<Braid.Processors.TaskId>(Live.SelectMany(t => t.OwnedSnapshot));
        if (standbys is not null) owned.UnionWith(standbys.TaskIds);
        return owned;
    }

    private readonly object _lock = new();
    private readonly List<KafkaStreamThread> _threads = new();
    private readonly List<KafkaStreamThread> _ever = new(); // counters keep what removed threads did
    private readonly Dictionary<int, StreamsState> _states = new();
    private int _closing;
    private int _closed;
    private readonly object _releaseLock = new();
    private bool _released;

    public InstanceDirectory Directory => directory;

    public IStateBackend? Backend => backend;

    /// <summary>Completes when every thread stopped after <see cref="CloseAsync"/> (closing or killing); faults when a thread failed.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? Error { get; private set; }

    public IReadOnlyList<KafkaStreamThread> Live
    {
        get
        {
            lock (_lock) return _threads.ToList();
        }
    }

    /// <summary>
    /// Opens the instance's state backend (when it has a state directory), shared by all its threads. The durable stores
    /// of <paramref name="model"/> are named to the open, which creates their column families (RocksDB writes its OPTIONS
    /// file once), as the embedded host does since issue 19's session 14: a family created on a task's first use costs a
    /// new OPTIONS file each (write, fsync, rename, re-parse), paid by a rebalance that assigns the first task of a store.
    /// A family the open creates and no task uses stays empty, which reads as an empty store.
    /// </summary>
    public static RocksDbStateBackend? OpenBackend(KafkaStreamsOptions options, TopicLayout layout, TopologyModel model) =>
        options.StateDirectory is { } dir ? RocksDbStateBackend.Open(Path.Combine(dir, layout.ApplicationId), null, model.DurableStoreNames) : null;

    /// <summary>Starts a new thread with the smallest free index (as <c>KafkaStreams.getNextThreadIndex</c>); returns its name, or null when closing.</summary>
    public string? Add()
    {
        KafkaStreamThread thread;
        lock (_lock)
        {
            if (_closing != 0) return null;
            int index = 0;
            while (_threads.Any(t => t.Index == index)) index++;
            _states[index] = StreamsState.Rebalancing;
            thread = create(index, s => ThreadState(index, s));
            _threads.Add(thread);
            _ever.Add(thread);
        }
        Publish();
        thread.Start();
        _ = thread.Finished.Task.ContinueWith(t => Stopped(thread, t.Exception?.InnerException), TaskScheduler.Default);
        logger.LogInformation("Started stream thread {Thread}.", thread.Name);
        return thread.Name;
    }

    /// <summary>
    /// Stops the most recently added thread cleanly (commit, close its tasks, leave the group); the other threads take its
    /// tasks over. Returns its name, or null when one thread or none is left (an instance keeps at least one, as Kafka's
    /// <c>removeStreamThread</c> may leave zero but Braid's state and group bookkeeping assume one).
    /// </summary>
    public async Task<string?> RemoveAsync(TimeSpan timeout)
    {
        KafkaStreamThread victim;
        lock (_lock)
        {
            if (_closing != 0 || _threads.Count <= 1) return null;
            victim = _threads.MaxBy(t => t.Index)!;
        }
        victim.RequestStop();
        await victim.Finished.Task.WaitAsync(timeout).ConfigureAwait(false);
        return victim.Name;
    }

    public async Task CloseAsync(TimeSpan timeout, bool kill)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        Interlocked.Exchange(ref _closing, 1);
        var all = Live;
        foreach (var t in all)
        {
            if (kill) t.Kill();
            else t.RequestStop();
        }
        try
        {
            await Task.WhenAll(all.Select(t => t.Finished.Task)).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Stream threads did not stop within {Timeout}.", timeout);
        }
        catch (Exception)
        {
            // A thread's failure is in Error; closing itself went on.
        }
        if (!kill)
        {
            try
            {
                directory.Withdraw();
            }
            catch (Exception e) when (e is Confluent.Kafka.KafkaException or ObjectDisposedException)
            {
                logger.LogWarning("Withdrawing the instance announcement failed: {Reason}", e.Message);
            }
        }
        Dispose();
    }

    private void Stopped(KafkaStreamThread thread, Exception? error)
    {
        bool last;
        lock (_lock)
        {
            _threads.Remove(thread);
            _states.Remove(thread.Index);
            last = _threads.Count == 0;
            if (error is not null && Error is null) Error = error;
        }
        if (error is not null && Interlocked.Exchange(ref _closing, 1) == 0)
        {
            logger.LogError(error, "Stream thread {Thread} failed: stopping the instance.", thread.Name);
            foreach (var t in Live) t.RequestStop();
        }
        if (!last)
        {
            Publish();
            return;
        }
        // Release the state directory as soon as no thread runs (a failed instance's successor may start at once), as one
        // stream thread released it when it ended.
        ReleaseState();
        if (Error is not null) Finished.TrySetException(Error);
        else Finished.TrySetResult();
    }

    private void ThreadState(int index, StreamsState state)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(index, out var old) || old == state) return;
            _states[index] = state;
        }
        Publish();
    }

    /// <summary>Running when every live thread runs its tasks; Rebalancing while any is still assigning or restoring.</summary>
    private void Publish()
    {
        StreamsState overall;
        lock (_lock)
        {
            if (_closing != 0 || _states.Count == 0) return;
            overall = _states.Values.All(s => s == StreamsState.Running) ? StreamsState.Running : StreamsState.Rebalancing;
        }
        setState(overall);
    }

    public IReadOnlyList<string> ActiveTasks => Live.SelectMany(t => t.ActiveTasks).Order(StringComparer.Ordinal).ToList();

    /// <summary>A counter summed over every thread this instance ran (removed ones included).</summary>
    public long Sum(Func<KafkaStreamThread, long> metric)
    {
        lock (_lock) return _ever.Sum(metric);
    }

    /// <summary>A gauge summed over the live threads.</summary>
    public long SumLive(Func<KafkaStreamThread, long> metric) => Live.Sum(metric);

    public IReadOnlyDictionary<string, IStateStore>? GlobalStores => Live.OrderBy(t => t.Index).FirstOrDefault()?.GlobalStores;

    private void Dispose()
    {
        ReleaseState();
        directory.Dispose();
    }

    // Once, and a second caller (a thread ending while the instance closes) waits until the first finished.
    private void ReleaseState()
    {
        lock (_releaseLock)
        {
            if (_released) return;
            _released = true;
            standbys?.Dispose(); // first: it commits its standbys to the backend and heartbeats through the directory
            Guard?.Dispose();
            Watch?.Dispose();
            backend?.Dispose(); // after every thread stopped: uncommitted store writes are dropped, the changelog restores them
        }
    }
}
