using System.Diagnostics.Metrics;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

public class MetricsTests
{
    [Fact]
    public async Task Gauges_ReportLagAndStoreEntries_CountersReportCommits()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Table("t", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("metrics-store"));
        var appId = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        var options = TestOptions.For(dir.Path) with { Streams = new StreamsConfig { ApplicationId = appId } };
        await using var app = new BraidApplication(b.Build(), options);
        app.CreateProducer("t", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 30).Select(i => new TopicRecord<string, string>("k" + i % 12, "v", i)));
        var seen = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Braid") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = new Dictionary<string, object?>();
            foreach (var tag in tags) t[tag.Key] = tag.Value;
            lock (seen) seen.Add((instrument.Name, value, t));
        });
        listener.Start();
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        listener.RecordObservableInstruments();
        lock (seen)
        {
            var mine = seen.Where(s => Equals(s.Tags.GetValueOrDefault("application"), appId)).ToList();
            Assert.Contains(mine, s => s.Instrument == "braid.store.entries" && Equals(s.Tags["store"], "metrics-store") && s.Value > 0);
            Assert.Contains(mine, s => s.Instrument == "braid.consumer.lag" && Equals(s.Tags["partition"], "t-0") && s.Value == 0);
            Assert.Contains(seen, s => s.Instrument == "braid.commits");
            // Per-node counts: the source read all 30 records.
            Assert.Contains(mine, s => s.Instrument == "braid.node.records.out" && Equals(s.Tags["node"], "KSTREAM-SOURCE-0000000000") && s.Value == 30);
        }
    }
}
