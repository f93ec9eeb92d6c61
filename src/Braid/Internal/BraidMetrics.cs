using System.Diagnostics.Metrics;

namespace Braid.Internal;

/// <summary>
/// Process-wide instruments (System.Diagnostics.Metrics, so OpenTelemetry and dotnet-counters see them),
/// plus per-task counts that tests and the driver can read deterministically.
/// </summary>
internal static class BraidMetrics
{
    public static readonly Meter Meter = new(BraidTelemetry.MeterName, "1.0");

    // OpenTelemetry messaging semantic conventions (docs/observability.md has the mapping). Recorded per record
    // only while an instrument is enabled (a listener subscribed), so they cost nothing unobserved.

    public static readonly Histogram<double> MessagingProcessDuration =
        Meter.CreateHistogram<double>("messaging.process.duration", "s", "Duration of processing one input record through the topology.");

    public static readonly Counter<long> MessagingConsumed =
        Meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Input records handed to tasks for processing.");

    public static readonly Counter<long> MessagingSent =
        Meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Records the topology sent to output, repartition and dead-letter topics.");

    public static readonly Histogram<double> MessagingOperationDuration =
        Meter.CreateHistogram<double>("messaging.client.operation.duration", "s", "Duration of a commit (outputs, state and input offsets made durable together).");

    public static readonly Counter<long> DroppedRecords =
        Meter.CreateCounter<long>("braid.records.dropped", "records", "Records dropped by an operator (null key, late, bad input, …).");

    public static readonly Counter<long> ProcessedRecords =
        Meter.CreateCounter<long>("braid.records.processed", "records", "Records taken from source topics by tasks.");

    public static readonly Histogram<double> ProcessLatency =
        Meter.CreateHistogram<double>("braid.process.latency", "ms", "Mean processing time per record of one task batch.");
}
