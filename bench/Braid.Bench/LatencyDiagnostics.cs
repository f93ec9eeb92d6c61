using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Braid.Bench;

/// <summary>Where a latency run's time went: commits, processing batches and GC pauses (one paced run's totals).</summary>
internal sealed record LatencyBreakdown(int Commits, double CommitP50Ms, double CommitP99Ms, double CommitMaxMs, int Batches, double BatchP50Ms,
    double BatchP99Ms, double BatchMaxMs, double MeanBatchRecords, double GcPauseMs, int Gen0, int Gen1, int Gen2, string GcReasons)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"commits {Commits} (p50 {CommitP50Ms:F1} / p99 {CommitP99Ms:F1} / max {CommitMaxMs:F1} ms), batches {Batches} of {MeanBatchRecords:F0} records (p50 {BatchP50Ms:F2} / p99 {BatchP99Ms:F1} / max {BatchMaxMs:F1} ms), GC pauses {GcPauseMs:F0} ms (gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2}; {GcReasons})");
}

/// <summary>
/// Listens to the runtime's own instruments (<c>braid.commit.latency</c>; <c>braid.records.processed</c> and
/// <c>braid.process.latency</c>, which a task records one after the other per batch on its thread) and the GC's pause
/// counters while a latency run is paced, so the study can say whether a result waited for a commit, a long batch or a GC.
/// </summary>
internal sealed class LatencyDiagnostics : IDisposable
{
    [ThreadStatic] private static long t_lastBatchRecords;
    private readonly MeterListener _listener = new();
    private readonly GcReasonListener _gcs = new();
    private readonly List<double> _commits = new();
    private readonly List<double> _batches = new();
    private long _batchRecords;
    private TimeSpan _pause0;
    private int _gen0, _gen1, _gen2;
    private volatile bool _on;

    public LatencyDiagnostics()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Braid" && instrument.Name is "braid.commit.latency" or "braid.records.processed" or "braid.process.latency")
                l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (!_on) return;
            if (instrument.Name == "braid.commit.latency")
            {
                lock (_commits) _commits.Add(value);
            }
            else
            {
                long n = t_lastBatchRecords;
                lock (_batches)
                {
                    _batches.Add(value * n);
                    _batchRecords += n;
                }
            }
        });
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => t_lastBatchRecords = value);
        _listener.Start();
    }

    public void Start()
    {
        _pause0 = GC.GetTotalPauseDuration();
        (_gen0, _gen1, _gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        _gcs.Reasons.Clear();
        _on = true;
    }

    public LatencyBreakdown Stop()
    {
        _on = false;
        lock (_commits)
        lock (_batches)
        {
            _commits.Sort();
            _batches.Sort();
            static double P(List<double> xs, double q) => xs.Count == 0 ? double.NaN : xs[Math.Min(xs.Count - 1, (int)(q * xs.Count))];
            return new LatencyBreakdown(_commits.Count, P(_commits, 0.5), P(_commits, 0.99), _commits.Count == 0 ? double.NaN : _commits[^1],
                _batches.Count, P(_batches, 0.5), P(_batches, 0.99), _batches.Count == 0 ? double.NaN : _batches[^1],
                _batches.Count == 0 ? 0 : (double)_batchRecords / _batches.Count, (GC.GetTotalPauseDuration() - _pause0).TotalMilliseconds,
                GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2,
                string.Join(", ", _gcs.Reasons.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} ×{kv.Value}")));
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _gcs.Dispose();
    }

    /// <summary>Counts GCs by generation and the runtime's reason (GCStart_V2: Depth, Reason), e.g. "gen2 AllocLarge".</summary>
    private sealed class GcReasonListener : EventListener
    {
        private static readonly string[] ReasonNames =
            ["AllocSmall", "Induced", "LowMemory", "Empty", "AllocLarge", "OutOfSpaceSOH", "OutOfSpaceLOH", "InducedNotForced", "Internal", "InducedLowMemory"];

        public ConcurrentDictionary<string, int> Reasons { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            // GC keyword (0x1); verbose level adds the sampled allocation ticks (large-object ones name what fills the LOH).
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is not { } name || e.Payload is null) return;
            if (name.StartsWith("GCAllocationTick", StringComparison.Ordinal))
            {
                int kind = e.PayloadNames!.IndexOf("AllocationKind"), type = e.PayloadNames.IndexOf("TypeName");
                if (kind >= 0 && Convert.ToInt32(e.Payload[kind], CultureInfo.InvariantCulture) == 1 && type >= 0)
                    Reasons.AddOrUpdate("LOH tick " + e.Payload[type], 1, (_, n) => n + 1);
                return;
            }
            if (!name.StartsWith("GCStart", StringComparison.Ordinal)) return;
            int depth = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Depth")], CultureInfo.InvariantCulture);
            int reason = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Reason")], CultureInfo.InvariantCulture);
            string key = $"gen{depth} " + (reason < ReasonNames.Length ? ReasonNames[reason] : reason.ToString(CultureInfo.InvariantCulture));
            Reasons.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }
}
