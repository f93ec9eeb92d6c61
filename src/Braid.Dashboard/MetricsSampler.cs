using System.Diagnostics.Metrics;

namespace Braid.Dashboard;

/// <summary>One point of the throughput/latency history.</summary>
internal sealed record MetricPoint(long TimeMs, double RecordsPerSecond, double LatencyMs, long Dropped);

/// <summary>
/// Listens to Braid's meter (records processed and dropped, processing latency) and keeps a rolling history
/// of one point per second. The counters are process-wide, as the instruments are: a dashboard shows the
/// process it runs in.
/// </summary>
internal sealed class MetricsSampler : IDisposable
{
    private const int HistoryPoints = 120;
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Queue<MetricPoint> _history = new();
    private long _processed, _dropped, _lastProcessed, _lastSampleMs;
    private double _latencySum;
    private long _latencyCount;

    public MetricsSampler(TimeProvider time)
    {
        _time = time;
        _lastSampleMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Braid" && instrument.Name is "braid.records.processed" or "braid.records.dropped" or "braid.process.latency")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "braid.records.processed") Interlocked.Add(ref _processed, value);
            else Interlocked.Add(ref _dropped, value);
        });
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_lock)
            {
                _latencySum += value;
                _latencyCount++;
            }
        });
        _listener.Start();
    }

    public long Processed => Interlocked.Read(ref _processed);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The history, adding a point when a second or more has passed since the last one.</summary>
    public IReadOnlyList<MetricPoint> History()
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            long elapsed = now - _lastSampleMs;
            if (elapsed >= 1000)
            {
                long processed = Processed;
                double rate = (processed - _lastProcessed) * 1000.0 / elapsed;
                double latency = _latencyCount == 0 ? 0 : _latencySum / _latencyCount;
                _history.Enqueue(new MetricPoint(now, Math.Round(rate, 1), Math.Round(latency, 3), Dropped));
                while (_history.Count > HistoryPoints) _history.Dequeue();
                _lastProcessed = processed;
                _lastSampleMs = now;
                _latencySum = 0;
                _latencyCount = 0;
            }
            return _history.ToList();
        }
    }

    public void Dispose() => _listener.Dispose();
}
