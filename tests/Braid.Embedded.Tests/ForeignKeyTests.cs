using Braid.Serialization;
using Braid.Testing;

namespace Braid.Embedded.Tests;

/// <summary>Foreign-key joins route through two internal topics (subscription, response) on the embedded runtime.</summary>
public class ForeignKeyTests
{
    private static Topology Build()
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var customers = b.Table("customers", strings);
        b.Table("orders", strings)
            .Join(customers, (string o) => o.Split(':')[0], (o, c) => $"{o}/{c}")
            .ToStream().To("orders-with-customer", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    [Fact]
    public async Task ForeignKeyJoin_FinalTableEqualsTheDriver()
    {
        var rng = new Random(41);
        var input = new List<(string Topic, string Key, string? Value, long Ts)>();
        for (int i = 0; i < 600; i++)
        {
            if (rng.Next(3) == 0) input.Add(("customers", "c" + rng.Next(20), rng.Next(15) == 0 ? null : "name" + i, i));
            else input.Add(("orders", "o" + rng.Next(60), rng.Next(15) == 0 ? null : $"c{rng.Next(20)}:{i}", i));
        }
        using var driver = new TopologyTestDriver(Build());
        var topics = new[] { "customers", "orders" }.ToDictionary(t => t, t => driver.CreateInputTopic(t, Serdes.String, Serdes.String));
        foreach (var r in input) topics[r.Topic].PipeInput(r.Key, r.Value, r.Ts);
        var expected = driver.CreateOutputTopic("orders-with-customer", Serdes.String, Serdes.String).ReadKeyValuesToMap();
        Assert.NotEmpty(expected);

        using var dir = new TempDir();
        await using var app = new BraidApplication(Build(), TestOptions.For(dir.Path, partitions: 3, threads: 2));
        foreach (var g in input.GroupBy(r => r.Topic))
            app.CreateProducer(g.Key, Serdes.String, Serdes.String).Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Ts)));
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var actual = new Dictionary<string, string>();
        foreach (var r in app.CreateReader("orders-with-customer", Serdes.String, Serdes.String).ReadToEnd().OrderBy(r => r.Partition).ThenBy(r => r.Offset))
        {
            if (r.Value is null) actual.Remove(r.Key!);
            else actual[r.Key!] = r.Value;
        }
        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
    }
}
