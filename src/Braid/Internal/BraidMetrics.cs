using System.Diagnostics.Metrics;

namespace Braid.Internal;

/// <summary>
/// Process-wide instruments (System.Diagnostics.Metrics, so OpenTelemetry and dotnet-counters see them),
/// plus per-task counts that tests and the driver can read deterministically.
/// </summary>
internal static class BraidMetrics
{
    public static readonly Meter Meter = new("Braid", "1.0");

    public static readonly Counter<long> DroppedRecords =
        Meter.CreateCounter<long>("braid.records.dropped", "records", "Records dropped by an operator (null key, late, bad input, …).");

    public static readonly Counter<long> ProcessedRecords =
        Meter.CreateCounter<long>("braid.records.processed", "records", "Records taken from source topics by tasks.");

    public static readonly Histogram<double> ProcessLatency =
        Meter.CreateHistogram<double>("braid.process.latency", "ms", "Mean processing time per record of one task batch.");
}
