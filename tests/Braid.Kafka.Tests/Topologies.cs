using Braid.Serialization;
using Braid.Testing;

namespace Braid.Kafka.Tests;

/// <summary>The topologies the tests run on Kafka and on the TopologyTestDriver (the reference), by topic names.</summary>
internal static class Topologies
{
    public static Topology StreamTable(string orders, string customers, string output)
    {
        var b = new StreamsBuilder();
        var table = b.Table(customers, Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("customers-store"));
        b.Stream(orders, Consumed.With(Serdes.String, Serdes.String))
            .Join(table, (o, c) => o + "|" + c)
            .To(output, Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    public static Topology StreamStream(string left, string right, string output)
    {
        var b = new StreamsBuilder();
        var r = b.Stream(right, Consumed.With(Serdes.String, Serdes.String));
        b.Stream(left, Consumed.With(Serdes.String, Serdes.String))
            .Join(r, (l, x) => l + "+" + x, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromSeconds(5)))
            .To(output, Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    public static Topology TableTable(string left, string right, string output)
    {
        var b = new StreamsBuilder();
        var r = b.Table(right, Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("right-store"));
        b.Table(left, Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("left-store"))
            .Join(r, (l, x) => l + "&" + x)
            .ToStream()
            .To(output, Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    /// <summary>Counts records per key (store "counts", logged): a reprocessed record counts twice, a lost one not at all.</summary>
    public static Topology Count(string input, string output)
    {
        var b = new StreamsBuilder();
        b.Stream(input, Consumed.With(Serdes.String, Serdes.String))
            .GroupByKey()
            .Count(Materialized.As<string, long>("counts"))
            .ToStream()
            .To(output, Produced.With(Serdes.String, Serdes.Int64));
        return b.Build();
    }

    /// <summary>Re-keys (so a repartition topic is needed) and counts per new key.</summary>
    public static Topology RekeyCount(string input, string output)
    {
        var b = new StreamsBuilder();
        b.Stream(input, Consumed.With(Serdes.String, Serdes.String))
            .SelectKey((_, v) => v!)
            .GroupByKey()
            .Count(Materialized.As<string, long>("counts"))
            .ToStream()
            .To(output, Produced.With(Serdes.String, Serdes.Int64));
        return b.Build();
    }

    public static Topology GlobalJoin(string orders, string products, string output)
    {
        var b = new StreamsBuilder();
        var g = b.GlobalTable(products, Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        b.Stream(orders, Consumed.With(Serdes.String, Serdes.String))
            .Join(g, (_, v) => v.Split(':')[0], (v, p) => v + "@" + p)
            .To(output, Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    /// <summary>Latest value per key of a changelog-like list (a null value deletes).</summary>
    public static Dictionary<string, TV> ToTable<TV>(IEnumerable<KeyValue<string?, TV?>> records)
    {
        var map = new Dictionary<string, TV>();
        foreach (var kv in records)
        {
            if (kv.Value is null) map.Remove(kv.Key!);
            else map[kv.Key!] = kv.Value;
        }
        return map;
    }

    public static List<(string?, string?)> Sorted(IEnumerable<KeyValue<string?, string?>> records) => records.Select(kv => (kv.Key, kv.Value)).Order().ToList();

    public static List<(string?, string?)> Sorted(IEnumerable<(string Key, string? Value)> records) => records.Select(kv => ((string?)kv.Key, kv.Value)).Order().ToList();

    /// <summary>Runs the same topology on the test driver with the inputs in the given order; returns what the sink wrote.</summary>
    public static List<KeyValue<string?, string?>> Reference(Topology topology, string output, params (string Topic, IEnumerable<(string Key, string? Value, long Ts)> Records)[] inputs) =>
        Reference(topology, output, Serdes.String, inputs);

    public static List<KeyValue<string?, TV?>> Reference<TV>(Topology topology, string output, Serde<TV> outputValueSerde,
        params (string Topic, IEnumerable<(string Key, string? Value, long Ts)> Records)[] inputs)
    {
        using var driver = new TopologyTestDriver(topology);
        foreach (var (topic, records) in inputs)
        {
            var t = driver.CreateInputTopic(topic, Serdes.String, Serdes.String);
            foreach (var (k, v, ts) in records) t.PipeInput(k, v, ts);
        }
        return driver.CreateOutputTopic(output, Serdes.String, outputValueSerde).ReadKeyValuesToList();
    }
}
