using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>A small topology whose output double-counts on any duplicate: a running count and sum per key.</summary>
internal static class CountingTopology
{
    public static Topology Build()
    {
        var b = new StreamsBuilder();
        var input = b.Stream("in", Consumed.With(Serdes.String, Serdes.String));
        input.MapValues(v => v!.ToUpperInvariant()).To("out", Produced.With(Serdes.String, Serdes.String));
        input.GroupByKey().Count(Materialized.As<string, long>("counts")).ToStream().To("counts-out", Produced.With(Serdes.String, Serdes.Int64));
        return b.Build();
    }

    public static void Produce(BraidApplication app, int from, int count, int keys = 5) =>
        app.CreateProducer("in", Serdes.String, Serdes.String)
            .Send(Enumerable.Range(from, count).Select(i => new TopicRecord<string, string>("k" + (i % keys), "v" + i, 1000 + i)));

    /// <summary>The 'out' values in offset order per partition, and the last count per key.</summary>
    public static (List<string> Out, Dictionary<string, long> Counts) Read(BraidApplication app)
    {
        var outs = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value!).ToList();
        var counts = new Dictionary<string, long>();
        foreach (var r in app.CreateReader("counts-out", Serdes.String, Serdes.Int64).ReadToEnd()) counts[r.Key!] = r.Value;
        return (outs, counts);
    }

    /// <summary>What <see cref="Read"/> must give after records [0, n) were each processed exactly once.</summary>
    public static void AssertExactlyOnce(BraidApplication app, int n, int keys = 5)
    {
        var (outs, counts) = Read(app);
        Assert.Equal(Enumerable.Range(0, n).Select(i => "V" + i).Order(), outs.Order());
        for (int k = 0; k < keys; k++) Assert.Equal(Enumerable.Range(0, n).Count(i => i % keys == k), counts.GetValueOrDefault("k" + k));
    }

    public static string SegmentOf(string appDir, string topic, int partition) =>
        Directory.GetFiles(Path.Combine(appDir, "topics", topic, partition.ToString()), "*.log").Order().Last();
}
