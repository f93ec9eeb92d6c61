using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Runtime;

/// <summary>
/// One OS thread running a fixed set of tasks: fetch, process a batch per task in timestamp order, fire
/// wall-clock punctuations, commit every commit interval, and sleep on <see cref="LogActivity"/> when
/// there is nothing to do. An exception ends the thread; the application decides what happens next.
/// </summary>
internal sealed class StreamThread
{
    private const int BatchPerTask = 500;
    private readonly Thread _thread;
    private readonly CommitCoordinator _commits;
    private readonly LogActivity _activity;
    private readonly TimeSpan _commitInterval;
    private readonly bool _exactlyOnce;
    private readonly ReaderWriterLockSlim? _globalLock;
    private readonly bool _globalWriter;
    private readonly Action<StreamThread, Exception?> _exited;
    private readonly ILogger _logger;
    private volatile bool _stopRequested;

    public StreamThread(string name, List<EmbeddedTask> tasks, CommitCoordinator commits, LogActivity activity, TimeSpan commitInterval,
        bool exactlyOnce, ReaderWriterLockSlim? globalLock, bool globalWriter, ILogger logger, Action<StreamThread, Exception?> exited)
    {
        Name = name;
        Tasks = tasks;
        _commits = commits;
        _activity = activity;
        _commitInterval = commitInterval;
        _exactlyOnce = exactlyOnce;
        _globalLock = globalLock;
        _globalWriter = globalWriter;
        _logger = logger;
        _exited = exited;
        _thread = new Thread(Run) { Name = name, IsBackground = true };
    }

    public string Name { get; }

    public List<EmbeddedTask> Tasks { get; }

    public void Start() => _thread.Start();

    public void RequestStop() => _stopRequested = true;

    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Run()
    {
        Exception? error = null;
        try
        {
            Loop();
            // Graceful close: whatever was processed is committed before the thread ends.
            CommitIfNeeded(force: true);
        }
        catch (Exception e)
        {
            error = e;
            _logger.LogError(e, "Stream thread {Thread} failed.", Name);
        }
        _exited(this, error);
    }

    private void Loop()
    {
        var sinceCommit = Stopwatch.StartNew();
        while (!_stopRequested)
        {
            long seen = _activity.Version;
            int processed = 0;
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // Global stores are written by the global thread and read by every stream thread.
            if (_globalWriter) _globalLock?.EnterWriteLock();
            else _globalLock?.EnterReadLock();
            try
            {
                foreach (var t in Tasks)
                {
                    t.Fetch();
                    processed += t.Process(BatchPerTask, now);
                    t.Punctuate(now);
                }
            }
            finally
            {
                if (_globalWriter) _globalLock?.ExitWriteLock();
                else _globalLock?.ExitReadLock();
            }
            if (!_exactlyOnce && processed > 0) _commits.FlushOutputs(Tasks);
            // Commit on the interval, and as soon as the thread runs dry (so downstream tasks and readers
            // see the last results without waiting for the interval).
            if (sinceCommit.Elapsed >= _commitInterval || processed == 0)
            {
                CommitIfNeeded(force: false);
                sinceCommit.Restart();
            }
            if (processed == 0) _activity.Wait(seen, Math.Clamp((int)_commitInterval.TotalMilliseconds, 1, 50));
        }
    }

    private void CommitIfNeeded(bool force)
    {
        var dirty = Tasks.Where(t => t.Uncommitted > 0 || (t.Collector?.BufferedCount ?? 0) > 0).ToList();
        if (dirty.Count == 0 && !force) return;
        if (dirty.Count > 0) _commits.Commit(dirty);
    }
}
