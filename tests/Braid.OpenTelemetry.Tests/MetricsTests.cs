using Braid.Serialization;
using Braid.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Braid.OpenTelemetry.Tests;

public sealed class MetricsTests
{
    private static long Sum(List<Metric> metrics, string name, string topic)
    {
        long total = 0;
        foreach (var m in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var p in m.GetMetricPoints())
            {
                foreach (var tag in p.Tags)
                    if (tag.Key == "messaging.destination.name" && (string?)tag.Value == topic) total += p.GetSumLong();
            }
        }
        return total;
    }

    private static long HistogramCount(List<Metric> metrics, string name, string topic)
    {
        long total = 0;
        foreach (var m in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var p in m.GetMetricPoints())
            {
                foreach (var tag in p.Tags)
                    if (tag.Key == "messaging.destination.name" && (string?)tag.Value == topic) total += p.GetHistogramCount();
            }
        }
        return total;
    }

    [Fact]
    public void MessagingMetricsCountEachTopicsRecordsAndTimeEachProcessing()
    {
        var metrics = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddBraidInstrumentation().AddInMemoryExporter(metrics).Build()!;
        using (var driver = new TopologyTestDriver(Pipeline.Build("metered", "metered-out"), new StreamsConfig { ApplicationId = "m" }))
        {
            var input = driver.CreateInputTopic("metered", Serdes.String, Serdes.String);
            for (int i = 0; i < 7; i++) input.PipeInput("k" + i, $"user{i % 3}:page", 1_000 + i);
            Assert.Equal(7, driver.CreateOutputTopic("metered-out", Serdes.String, Serdes.String).ReadRecordsToList().Count);
        }
        provider.ForceFlush();

        Assert.Equal(7, Sum(metrics, "messaging.client.consumed.messages", "metered"));
        Assert.Equal(7, Sum(metrics, "messaging.client.consumed.messages", "metered-by-user-repartition"));
        Assert.Equal(7, Sum(metrics, "messaging.client.sent.messages", "metered-by-user-repartition"));
        Assert.Equal(7, Sum(metrics, "messaging.client.sent.messages", "metered-out"));
        Assert.Equal(7, HistogramCount(metrics, "messaging.process.duration", "metered"));
        var duration = Assert.Single(metrics, m => m.Name == "messaging.process.duration");
        Assert.Equal("s", duration.Unit);
        Assert.All(metrics, m => Assert.StartsWith(BraidTelemetry.MeterName, m.MeterName, StringComparison.Ordinal));
    }
}
