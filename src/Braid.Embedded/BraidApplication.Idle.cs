using System.Diagnostics;
using Braid.Embedded.Runtime;

namespace Braid.Embedded;

public sealed partial class BraidApplication
{
    /// <summary>The longest a wait for idle sleeps between checks when no pulse comes (a safety net, not the path: an
    /// interactive query holding a thread's query lock pulses nothing). Tests stretch it to show the pulses alone end waits.</summary>
    internal TimeSpan IdleRecheck { get; set; } = TimeSpan.FromMilliseconds(50);

    private readonly ProgressSignal _progress = new();

    /// <summary>Waits until every task has processed and committed everything visible in its inputs,
    /// including records that flow through internal topics (useful in tests, demos and batch imports).</summary>
    /// <param name="timeout">Give up after this long (TimeoutException).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when idle.</returns>
    /// <remarks>
    /// Event-driven (issue 19): the check runs when a stream thread runs dry (its batch found nothing, and it committed
    /// what it had) or the state changes, not on a timer. One check suffices because it is a consistent snapshot: it
    /// holds every thread's query lock (so no thread is inside a batch or a commit of its own) and then the commit lock
    /// (so no commit is between publishing output and clearing its tasks' uncommitted counts); both are only tried: a
    /// busy lock means not idle yet, and the thread holding it pulses when it runs dry (an interactive query holding a
    /// query lock pulses nothing: that wait ends on the next thread's pulse or the recheck). Every record in flight
    /// is therefore seen somewhere: visible but unprocessed (lag), processed but uncommitted, or buffered output; a
    /// record appended to an internal topic is visible only through the commit that also clears its writer's count.
    /// Until session 8 the wait polled every 5 ms, unlocked, and wanted two equal observations (10–20 ms after the
    /// last commit in the benchmark's phase timings).
    /// </remarks>
    public async Task WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // Armed before the check: a thread running dry after the check completes this task.
            var pulse = _progress.Next();
            if (Error is { } error) throw new StreamsException("The application failed: " + error.Message, error);
            if (State is StreamsState.NotRunning or StreamsState.PendingShutdown) throw new InvalidOperationException($"The application is {State}.");
            if (IdleNow()) return;
            var left = timeout - waited.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var busy = AllTasks().Where(t => !IsIdle(t))
                    .Select(t => $"{t.Id} (lag {Enumerable.Range(0, t.Inputs.Count).Sum(t.Lag)}, uncommitted {t.Uncommitted}, buffered output {t.Collector?.BufferedCount ?? 0})");
                throw new TimeoutException($"The application did not become idle within {timeout} (state {State}; busy tasks: {string.Join(", ", busy)}).");
            }
            try
            {
                // WaitAsync, not WhenAny with a Task.Delay: no timer is left running when the pulse wins.
                await pulse.WaitAsync(left < IdleRecheck ? left : IdleRecheck, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The recheck: look again.
            }
        }
    }

    private static bool IsIdle(EmbeddedTask t) => t.CaughtUp && t.Uncommitted == 0 && (t.Collector?.BufferedCount ?? 0) == 0;

    /// <summary>Whether every task is idle, checked under every thread's query lock and then the commit lock (see
    /// <see cref="WaitForIdleAsync"/>). Never blocks: a lock held by someone else means a thread is inside a batch or a
    /// commit, so not idle yet — it pulses when it runs dry. (Lock order as the threads': query locks before the commit
    /// lock; only tried, so holding several at once cannot deadlock, and a slow user function never stalls the caller.)</summary>
    private bool IdleNow()
    {
        List<EmbeddedStreamThread> threads;
        lock (_stateLock)
        {
            if (State != StreamsState.Running) return false;
            threads = _threads.ToList();
            if (_globalThread is not null) threads.Add(_globalThread);
        }
        int held = 0;
        try
        {
            for (; held < threads.Count; held++)
            {
                if (!Monitor.TryEnter(threads[held].QueryLock)) return false;
            }
            if (!Monitor.TryEnter(_commits.Lock)) return false;
            try
            {
                return threads.TrueForAll(t => t.Tasks.TrueForAll(IsIdle));
            }
            finally
            {
                Monitor.Exit(_commits.Lock);
            }
        }
        finally
        {
            for (int i = held - 1; i >= 0; i--) Monitor.Exit(threads[i].QueryLock);
        }
    }
}
