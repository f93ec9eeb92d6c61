using System.Collections.Concurrent;
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

    /// <summary>Running applications, for the observable gauges.</summary>
    public static readonly ConcurrentDictionary<BraidApplication, byte> Applications = new();

    public static readonly ObservableGauge<long> Lag = BraidMetrics.Meter.CreateObservableGauge("braid.consumer.lag", ObserveLag, "records",
        "Records visible in an input partition but not yet processed, per application and topic-partition.");

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var app in Applications.Keys)
        {
            IReadOnlyDictionary<string, long> lag;
            try
            {
                lag = app.GetLag();
            }
            catch (ObjectDisposedException)
            {
                continue;
            }
            foreach (var (partition, value) in lag)
            {
                yield return new Measurement<long>(value, new KeyValuePair<string, object?>("application", app.Options.Streams.ApplicationId),
                    new KeyValuePair<string, object?>("partition", partition));
            }
        }
    }

    public static readonly ObservableGauge<long> StoreEntries = BraidMetrics.Meter.CreateObservableGauge("braid.store.entries", ObserveStores, "entries",
        "Approximate committed entries per key-value store, per application.");

    private static IEnumerable<Measurement<long>> ObserveStores()
    {
        foreach (var app in Applications.Keys)
        {
            List<(string Store, long Entries)> sizes;
            try
            {
                sizes = app.StoreSizes().ToList();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                continue;
            }
            foreach (var (store, entries) in sizes)
            {
                yield return new Measurement<long>(entries, new KeyValuePair<string, object?>("application", app.Options.Streams.ApplicationId),
                    new KeyValuePair<string, object?>("store", store));
            }
        }
    }

    public static readonly ObservableCounter<long> NodeRecordsOut = BraidMetrics.Meter.CreateObservableCounter("braid.node.records.out", ObserveNodes,
        "records", "Records each processor node forwarded downstream (a source node's count is the records it read), per application.");

    private static IEnumerable<Measurement<long>> ObserveNodes()
    {
        foreach (var app in Applications.Keys)
        {
            List<(string Node, long Forwarded)> counts;
            try
            {
                counts = app.NodeCounts().ToList();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                continue;
            }
            foreach (var (node, forwarded) in counts)
            {
                yield return new Measurement<long>(forwarded, new KeyValuePair<string, object?>("application", app.Options.Streams.ApplicationId),
                    new KeyValuePair<string, object?>("node", node));
            }
        }
    }

    public static readonly Counter<long> Commits =
        BraidMetrics.Meter.CreateCounter<long>("braid.commits", "commits", "Commits made by stream threads.");
}
