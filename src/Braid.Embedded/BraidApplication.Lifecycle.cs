using Braid.Embedded.Runtime;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded;

public sealed partial class BraidApplication
{
    /// <summary>
    /// Stops gracefully: each thread finishes its current batch, commits, and ends; then stores, logs and
    /// the state directory lock are released. The state ends <see cref="StreamsState.NotRunning"/> (or stays
    /// <see cref="StreamsState.Error"/>).
    /// </summary>
    /// <param name="timeout">How long to wait for threads (default 30 s); a thread still running after it is abandoned, uncommitted.
    /// Interactive queries reading a persistent store when the close releases the state are waited for as long; reads after it are refused.</param>
    /// <returns>A task that completes when closed.</returns>
    public Task CloseAsync(TimeSpan? timeout = null) => CloseOnce(timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Every close (concurrent or repeated, async or <see cref="Dispose"/>) shares the first one's work and outcome.</summary>
    private Task CloseOnce(TimeSpan timeout)
    {
        var mine = new Lazy<Task>(() => Task.Run(() => Close(timeout)));
        var winner = Interlocked.CompareExchange(ref _closing, mine, null) ?? mine;
        return winner.Value;
    }

    /// <summary>
    /// Stops gracefully as <see cref="CloseAsync(TimeSpan?)"/>, waiting until <paramref name="cancellationToken"/>
    /// fires (a host's shutdown timeout): then the returned task is cancelled while closing goes on in the
    /// background, bounded by the 30 s thread timeout; committed data is safe either way.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait (not the close).</param>
    /// <returns>A task that completes when closed, or is cancelled when the token fires first.</returns>
    public Task CloseAsync(CancellationToken cancellationToken) => CloseAsync().WaitAsync(cancellationToken);

    private IEnumerable<EmbeddedTask> AllTasks()
    {
        List<EmbeddedStreamThread> threads;
        lock (_stateLock) threads = _threads.ToList();
        var tasks = threads.SelectMany(t => t.Tasks);
        return _globalTask is null ? tasks.ToList() : tasks.Append(_globalTask).ToList();
    }

    private void OnThreadExit(EmbeddedStreamThread thread, Exception? error)
    {
        if (error is null) return;
        var response = StreamThreadExceptionResponse.ShutdownApplication;
        try
        {
            if (Options.UncaughtExceptionHandler is { } handler && thread != _globalThread) response = handler(error);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The uncaught-exception handler threw; shutting down.");
        }
        lock (_stateLock)
        {
            if (State is StreamsState.Running or StreamsState.Rebalancing && response == StreamThreadExceptionResponse.ReplaceThread)
            {
                _threads.Remove(thread);
                try
                {
                    // A failed commit already cut its appended output under the commit lock (CommitCoordinator).
                    var fresh = thread.Tasks.Select(t => Rebuild(t, _globalStores)).ToList();
                    var delay = _replaceBackoff.Next(error);
                    _logger.LogWarning(error, "Replacing stream thread {Thread}; its tasks restart from their last commit{Backoff}.", thread.Name,
                        delay > TimeSpan.Zero ? $" after a back-off of {delay.TotalMilliseconds:0} ms (failure {_replaceBackoff.Repeats + 1} in a row on the same record)" : "");
                    StartThread(fresh, delay);
                    return;
                }
                catch (Exception e)
                {
                    error = new AggregateException(error, e);
                }
            }
        }
        Fail(error);
    }

    /// <summary>Drops a failed task's uncommitted work and recreates it from its last commit.</summary>
    private EmbeddedTask Rebuild(EmbeddedTask failed, IReadOnlyDictionary<string, Braid.State.IStateStore> globals)
    {
        failed.State.DiscardPending();
        failed.Collector?.Discard();
        try
        {
            failed.Dispose();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Closing failed task {Task} threw.", failed.Id);
        }
        return CreateTask(failed.Id.Subtopology, failed.Id.Partition, globals);
    }

    private void Fail(Exception error)
    {
        List<EmbeddedStreamThread> others;
        lock (_stateLock)
        {
            if (State is StreamsState.Error or StreamsState.NotRunning) return;
            Error = error;
            others = _threads.ToList();
            if (_globalThread is not null) others.Add(_globalThread);
            SetState(StreamsState.PendingShutdown);
        }
        _logger.LogError(error, "Braid application {App} is shutting down after an error; committed data is intact.", Options.Streams.ApplicationId);
        // Stop the others from a pool thread: this may be running on one of them.
        _ = Task.Run(() =>
        {
            StopThreads(others, TimeSpan.FromSeconds(30));
            lock (_stateLock) SetState(StreamsState.Error);
        });
    }

    private void StopThreads(List<EmbeddedStreamThread> threads, TimeSpan timeout)
    {
        foreach (var t in threads) t.RequestStop();
        foreach (var t in threads)
        {
            if (Thread.CurrentThread.Name != t.Name && !t.Join(timeout))
                _logger.LogError("Stream thread {Thread} did not stop within {Timeout}; its uncommitted work is abandoned.", t.Name, timeout);
        }
    }

    private void Close(TimeSpan timeout)
    {
        List<EmbeddedStreamThread> threads;
        lock (_stateLock)
        {
            if (_disposed) return;
            threads = _threads.ToList();
            if (_globalThread is not null) threads.Add(_globalThread);
            if (State is not StreamsState.Error) SetState(StreamsState.PendingShutdown);
        }
        // Stream threads first (they read global stores), then the global thread.
        StopThreads(threads.Where(t => t != _globalThread).ToList(), timeout);
        if (_globalThread is not null) StopThreads([_globalThread], timeout);
        _inbox.Dispose(); // outside the state lock: a failing take-in reports through Fail, which takes it
        // A start still creating or restoring tasks stops at its next step; stores and logs are released only after it.
        try
        {
            _starting?.Wait(timeout);
        }
        catch (AggregateException)
        {
            // Its outcome belongs to StartAsync's caller ("closed while starting", or the failure that ended it).
        }
        _diagnostics?.Dispose(); // outside it too: requests in flight take it (snapshots), and the dispose waits for them
        lock (_stateLock)
        {
            _disposed = true;
            EmbeddedMetrics.Untrack(this);
            _cleaner.Dispose();
            foreach (var task in AllTasksUnlocked(threads))
            {
                try
                {
                    task.Dispose();
                }
                catch (Exception e)
                {
                    _logger.LogWarning(e, "Closing task {Task} threw.", task.Id);
                }
            }
            // Queries and the store gauge read committed views from their own threads: a read still running when the
            // database is released would run RocksDB on freed handles (SIGSEGV, no managed trace), so wait for them first.
            if (CloseViews(timeout)) _backend.Dispose();
            else _logger.LogError("A query of a persistent store was still reading after {Timeout}; the state database is left open (released when the process ends).", timeout);
            _logs.Dispose();
            _dirLock.Dispose();
            _globalLock.Dispose();
            if (State is not StreamsState.Error) SetState(StreamsState.NotRunning);
        }
    }

    private IEnumerable<EmbeddedTask> AllTasksUnlocked(List<EmbeddedStreamThread> threads) => threads.SelectMany(t => t.Tasks).Distinct();

    /// <summary>Closes the application (see <see cref="CloseAsync(TimeSpan?)"/>).</summary>
    public void Dispose() => CloseOnce(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();

    /// <summary>Closes the application (see <see cref="CloseAsync(TimeSpan?)"/>).</summary>
    /// <returns>A task that completes when closed.</returns>
    public ValueTask DisposeAsync() => new(CloseAsync());
}
