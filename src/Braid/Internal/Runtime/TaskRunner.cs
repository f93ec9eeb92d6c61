using Braid.Internal.Telemetry;

namespace Braid.Internal.Runtime;

/// <summary>
/// Runs one thread's tasks on any host (Kafka's <c>TaskExecutor</c> + <c>TaskManager.commit</c> as one loop step):
/// per task, fetch, process a batch in record-choice order, fire wall-clock punctuations; commit the dirty tasks
/// through the host's <see cref="ICommitSink{TTask}"/> every commit interval, and as soon as the thread runs dry
/// (so downstream tasks and readers see the last results without waiting for the interval). Time comes from the
/// injected <see cref="TimeProvider"/>. The host owns the OS thread, waiting, locks and error policy.
/// </summary>
internal sealed class TaskRunner<TTask>(IReadOnlyList<TTask> tasks, ICommitSink<TTask> commits, TimeProvider clock, TimeSpan commitInterval,
    int batchPerTask) where TTask : IHostedTask
{
    private long _lastCommit = clock.GetTimestamp();

    public IReadOnlyList<TTask> Tasks => tasks;

    public long WallClockMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Fetches, processes one batch per task and fires due punctuations; returns the records processed.</summary>
    public int ProcessBatch(long nowMs)
    {
        int processed = 0;
        for (int i = 0; i < tasks.Count; i++)
        {
            var t = tasks[i];
            t.Input.Fetch(t.Runtime);
            processed += t.Runtime.Process(batchPerTask, nowMs, t.Input.IsCaughtUp);
            t.Runtime.Punctuate(nowMs);
        }
        return processed;
    }

    /// <summary>Time since the last commit (or since the runner was created).</summary>
    public TimeSpan SinceLastCommit => clock.GetElapsedTime(_lastCommit);

    /// <summary>Commits when the interval has passed or the last batch found nothing to do; returns whether it committed.</summary>
    public bool MaybeCommit(int processedInLastBatch)
    {
        if (processedInLastBatch > 0 && clock.GetElapsedTime(_lastCommit) < commitInterval) return false;
        CommitNow();
        return true;
    }

    /// <summary>Commits now and restarts the interval (a host's own reason to commit before the interval, e.g. latency).</summary>
    public void CommitNow()
    {
        Commit();
        _lastCommit = clock.GetTimestamp();
    }

    /// <summary>Commits every task with uncommitted work or output (on close, and by <see cref="MaybeCommit"/>).</summary>
    public void Commit()
    {
        List<TTask>? dirty = null;
        foreach (var t in tasks)
        {
            if (t.Runtime.Uncommitted > 0 || t.HasPendingOutput) (dirty ??= new List<TTask>()).Add(t);
        }
        if (dirty is null) return;
        var span = BraidTracing.StartCommit(dirty.Count);
        long started = BraidMetrics.MessagingOperationDuration.Enabled ? clock.GetTimestamp() : 0;
        Exception? failure = null;
        try
        {
            commits.Commit(dirty);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            BraidTracing.Stop(span, failure);
            if (started != 0)
            {
                BraidMetrics.MessagingOperationDuration.Record(clock.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("messaging.system", BraidTracing.MessagingSystem),
                    new KeyValuePair<string, object?>("messaging.operation.name", "commit"),
                    new KeyValuePair<string, object?>("error.type", failure?.GetType().FullName));
            }
        }
    }
}
