namespace Braid.Dashboard;

/// <summary>One point of the throughput/latency history.</summary>
internal sealed record MetricPoint(long TimeMs, double RecordsPerSecond, double LatencyMs, long Dropped);

/// <summary>
/// A rolling history of one point per second, computed from the application's cumulative counters (records
/// processed and dropped, time spent processing) as successive snapshots report them. The counters are the
/// application's own, so the history is right for an application in another process too, and two
/// applications in one process do not mix.
/// </summary>
internal sealed class MetricsHistory(TimeProvider time)
{
    private const int HistoryPoints = 120;
    private readonly object _lock = new();
    private readonly Queue<MetricPoint> _history = new();
    private long _lastProcessed, _lastSampleMs = -1;
    private double _lastProcessMs;

    /// <summary>Adds a point when a second or more has passed since the last one; returns the history.</summary>
    public IReadOnlyList<MetricPoint> Update(long processed, double processMs, long dropped)
    {
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (_lastSampleMs < 0 || processed < _lastProcessed)
            {
                // First sample, or the counters restarted (the application restarted or a thread was replaced).
                (_lastProcessed, _lastProcessMs, _lastSampleMs) = (processed, processMs, now);
            }
            else if (now - _lastSampleMs >= 1000)
            {
                long records = processed - _lastProcessed;
                double rate = records * 1000.0 / (now - _lastSampleMs);
                double latency = records == 0 ? 0 : Math.Max(0, processMs - _lastProcessMs) / records;
                _history.Enqueue(new MetricPoint(now, Math.Round(rate, 1), Math.Round(latency, 3), dropped));
                while (_history.Count > HistoryPoints) _history.Dequeue();
                (_lastProcessed, _lastProcessMs, _lastSampleMs) = (processed, processMs, now);
            }
            return _history.ToList();
        }
    }
}
