using System.Diagnostics.Metrics;
using Braid.Internal;

namespace Braid.Embedded.Runtime;

/// <summary>Instruments of the embedded runtime, on the shared "Braid" meter.</summary>
internal static class EmbeddedMetrics
{
    public static readonly Histogram<double> CommitLatency =
        BraidMetrics.Meter.CreateHistogram<double>("braid.commit.latency", "ms", "Time of one commit (append outputs, write state and offsets).");

    public static readonly Histogram<double> ProcessLatency =
        BraidMetrics.Meter.CreateHistogram<double>("braid.process.latency", "ms", "Mean processing time per record of one task batch.");

    public static readonly Counter<long> RecordsProduced =
        BraidMetrics.Meter.CreateCounter<long>("braid.records.produced", "records", "Records the topology wrote to its output and internal topics (committed).");

    public static readonly Counter<long> Commits =
        BraidMetrics.Meter.CreateCounter<long>("braid.commits", "commits", "Commits made by stream threads.");
}
