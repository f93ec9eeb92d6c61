using System.Diagnostics.Metrics;
using Braid.Internal;

namespace Braid.Embedded.Runtime;

/// <summary>Instruments of the embedded runtime, on the shared "Braid" meter.</summary>
internal static class EmbeddedMetrics
{
    public static readonly Histogram<double> CommitLatency =
        BraidMetrics.Meter.CreateHistogram<double>("braid.commit.latency", "ms", "Time of one commit (append outputs, write state and offsets).");

    public static readonly Counter<long> RecordsProduced =
        BraidMetrics.Meter.CreateCounter<long>("braid.records.produced", "records", "Records the topology wrote to its output and internal topics (committed).");

    private static readonly MeasurementSources LagSources = new();
    private static readonly MeasurementSources StoreSources = new();
    private static readonly MeasurementSources NodeSources = new();

    public static readonly ObservableGauge<long> Lag = BraidMetrics.Meter.CreateObservableGauge("braid.consumer.lag", LagSources.Observe, "records",
        "Records visible in an input partition but not yet processed, per application and topic-partition.");

    public static readonly ObservableGauge<long> StoreEntries = BraidMetrics.Meter.CreateObservableGauge("braid.store.entries", StoreSources.Observe, "entries",
        "Approximate committed entries per key-value store, per application.");

    public static readonly ObservableCounter<long> NodeRecordsOut = BraidMetrics.Meter.CreateObservableCounter("braid.node.records.out", NodeSources.Observe,
        "records", "Records each processor node forwarded downstream (a source node's count is the records it read), per application.");

    /// <summary>Reports a running application to the observable instruments (per partition, store and node).</summary>
    public static void Track(BraidApplication app)
    {
        var application = new KeyValuePair<string, object?>("application", app.Options.Streams.ApplicationId);
        IEnumerable<Measurement<long>> Tagged(IEnumerable<(string Name, long Value)> values, string tag) =>
            values.Select(v => new Measurement<long>(v.Value, application, new KeyValuePair<string, object?>(tag, v.Name)));
        LagSources.Track(app, () => Tagged(app.GetLag().Select(kv => (kv.Key, kv.Value)), "partition"));
        StoreSources.Track(app, () => Tagged(app.StoreSizes(), "store"));
        NodeSources.Track(app, () => Tagged(app.NodeCounts(), "node"));
    }

    public static void Untrack(BraidApplication app)
    {
        LagSources.Untrack(app);
        StoreSources.Untrack(app);
        NodeSources.Untrack(app);
    }

    public static readonly Counter<long> Commits =
        BraidMetrics.Meter.CreateCounter<long>("braid.commits", "commits", "Commits made by stream threads.");
}
