namespace Braid.Embedded.Runtime;

/// <summary>Stopping the embedded runtime's background loops (inbox ingestion, log cleaning).</summary>
internal static class BackgroundLoops
{
    /// <summary>
    /// Cancels the loop, waits for it to end (at most <paramref name="wait"/>) and disposes its token source. The
    /// loops report their own failures (the ingester fails the application, the cleaner logs and retries), so an
    /// exception seen while waiting is not reported again.
    /// </summary>
    public static void Stop(CancellationTokenSource stop, Task? loop, TimeSpan wait)
    {
        stop.Cancel();
        try
        {
            loop?.Wait(wait);
        }
        catch (AggregateException)
        {
            // reported by the loop itself
        }
        stop.Dispose();
    }
}
