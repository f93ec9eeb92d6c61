using Braid.Internal.Runtime;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Runtime;

/// <summary>
/// One OS thread running a fixed set of tasks through the core <see cref="TaskRunner{TTask}"/> (fetch, process,
/// punctuate, commit), plus what only the embedded host does: the global-store lock, making output visible after
/// each batch under at-least-once, sleeping on <see cref="LogActivity"/> when there is nothing to do, and an
/// optional start delay (the back-off of a replaced thread). An exception ends the thread; the application
/// decides what happens next.
/// </summary>
internal sealed class EmbeddedStreamThread
{
    private const int BatchPerTask = 500;
    private readonly Thread _thread;
    private readonly TaskRunner<EmbeddedTask> _runner;
    private readonly CommitCoordinator _commits;
    private readonly LogActivity _activity;
    private readonly TimeSpan _commitInterval;
    private readonly bool _exactlyOnce;
    private readonly ReaderWriterLockSlim? _globalLock;
    private readonly bool _globalWriter;
    private readonly Action<EmbeddedStreamThread, Exception?> _exited;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _stop = new();
    private readonly TimeProvider _clock;
    private readonly EarlyCommitPolicy? _earlyCommits;
    private volatile bool _stopRequested;

    public EmbeddedStreamThread(string name, List<EmbeddedTask> tasks, CommitCoordinator commits, LogActivity activity, TimeProvider clock,
        TimeSpan commitInterval, bool exactlyOnce, ReaderWriterLockSlim? globalLock, bool globalWriter, ILogger logger,
        Action<EmbeddedStreamThread, Exception?> exited)
    {
        Name = name;
        Tasks = tasks;
        _runner = new TaskRunner<EmbeddedTask>(tasks, commits, clock, commitInterval, BatchPerTask);
        _commits = commits;
        _activity = activity;
        _commitInterval = commitInterval;
        _exactlyOnce = exactlyOnce;
        _clock = clock;
        // Only exactly-once results wait for a commit; at-least-once output is visible after each batch.
        _earlyCommits = exactlyOnce ? new EarlyCommitPolicy((long)BatchPerTask * Math.Max(1, tasks.Count)) : null;
        _globalLock = globalLock;
        _globalWriter = globalWriter;
        _logger = logger;
        _exited = exited;
        _thread = new Thread(Run) { Name = name, IsBackground = true };
    }

    public string Name { get; }

    public List<EmbeddedTask> Tasks { get; }

    /// <summary>Held while the thread processes and commits: interactive queries of in-memory stores read under it.</summary>
    public object QueryLock { get; } = new();

    /// <summary>How long the thread waits before its first batch (a replaced thread's back-off); a stop request ends the wait.</summary>
    public TimeSpan StartDelay { get; init; }

    /// <summary>Pulsed when this thread runs dry (after its commit) and when it ends: wakes waits for idle.</summary>
    public ProgressSignal? Progress { get; init; }

    public void Start() => _thread.Start();

    public void RequestStop()
    {
        _stopRequested = true;
        _stop.Set();
        // Wake it if it sleeps on the activity (up to 50 ms): a close waited for that sleep to end (issue 19, session 8:
        // 45-80 ms per close in the benchmark's phase timings). The version bump is read only as "look again".
        _activity.Signal();
    }

    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Run()
    {
        Exception? error = null;
        try
        {
            if (StartDelay > TimeSpan.Zero) _stop.Wait(StartDelay);
            Loop();
            // Graceful close: whatever was processed is committed before the thread ends.
            CommitExclusive(_runner.Commit);
        }
        catch (Exception e)
        {
            error = e;
            LogFailure(e);
        }
        finally
        {
            // Whatever happened above, the application learns that this thread ended: a close waits for that (before,
            // these calls followed the try, so an exception out of the catch skipped them and the close waited its
            // whole timeout; the exception then also ended the process).
            try
            {
                _exited(this, error);
            }
            finally
            {
                Progress?.Pulse();
            }
        }
    }

    /// <summary>Logs the thread's failure; a logger that throws does not replace the failure nor end the process.</summary>
    private void LogFailure(Exception e)
    {
        try
        {
            _logger.LogError(e, "Stream thread {Thread} failed.", Name);
        }
        catch (Exception)
        {
            // The failure itself still reaches the application through the exit callback.
        }
    }

    /// <summary>Commits on the interval, when the batch found nothing to do, or early (<see cref="EarlyCommitPolicy"/>).</summary>
    private void Commit(int processed)
    {
        long start = _clock.GetTimestamp();
        bool committed;
        // Lag() walks every input of every task: only worth it after a batch that processed records.
        if (processed > 0 && _earlyCommits?.ShouldCommit(processed, Lag(), _runner.SinceLastCommit) == true)
        {
            _runner.CommitNow();
            committed = true;
        }
        else
        {
            committed = _runner.MaybeCommit(processed);
        }
        if (committed) _earlyCommits?.Committed(_clock.GetElapsedTime(start));
    }

    /// <summary>Visible input of this thread's tasks not processed yet.</summary>
    private long Lag()
    {
        long lag = 0;
        foreach (var t in Tasks)
        {
            for (int i = 0; i < t.Inputs.Count; i++) lag += t.Lag(i);
        }
        return lag;
    }

    /// <summary>
    /// A commit under the query lock; the global thread's also under the global write lock. Its commit mutates the
    /// global stores the stream threads read (pending writes cleared into the value cache, the reused iterator renewed,
    /// all discarded on a failed commit), so no stream thread may be reading them meanwhile.
    /// </summary>
    private void CommitExclusive(Action commit)
    {
        if (_globalWriter) _globalLock?.EnterWriteLock();
        try
        {
            lock (QueryLock) commit();
        }
        finally
        {
            if (_globalWriter) _globalLock?.ExitWriteLock();
        }
    }

    private void Loop()
    {
        while (!_stopRequested)
        {
            long seen = _activity.Version;
            int processed;
            long now = _runner.WallClockMs;
            // Global stores are written by the global thread and read by every stream thread.
            if (_globalWriter) _globalLock?.EnterWriteLock();
            else _globalLock?.EnterReadLock();
            try
            {
                lock (QueryLock) processed = _runner.ProcessBatch(now);
            }
            finally
            {
                if (_globalWriter) _globalLock?.ExitWriteLock();
                else _globalLock?.ExitReadLock();
            }
            if (!_exactlyOnce && processed > 0) _commits.FlushOutputs(Tasks);
            CommitExclusive(() => Commit(processed));
            if (processed == 0)
            {
                // Ran dry and committed what it had: the moment a wait for idle can end.
                Progress?.Pulse();
                // A stop requested after the loop's check but before `seen` was read bumped a version `seen` already
                // counts: without this check the thread would sleep its full wait before seeing the stop.
                if (_stopRequested) break;
                _activity.Wait(seen, Math.Clamp((int)_commitInterval.TotalMilliseconds, 1, 50));
            }
        }
    }
}
