using Braid.Serialization;
using Braid.Testing;
using CsCheck;

namespace Braid.Tests.Joins;

/// <summary>
/// A table–table join joins the old value only when a node below reads it (Kafka's sendOldValues): behind a
/// <c>ToStream</c> (directly or through the materializing merger) it calls the joiner once per update; feeding an
/// aggregate it still sends old results so the aggregate can retract. The stream it produces is the same either way.
/// On failure CsCheck prints the seed; replay with <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class TableTableOldValuesTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JoinBehindToStream_CallsTheJoinerOncePerUpdate(bool materialized)
    {
        int calls = 0;
        var b = new StreamsBuilder();
        var l = b.Table("l", S);
        var r = b.Table("r", S);
        var joined = materialized
            ? l.Join(r, (x, y) => { calls++; return x + y; }, Materialized.As<string, string>("joined"))
            : l.Join(r, (x, y) => { calls++; return x + y; });
        joined.ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var li = d.CreateInputTopic("l", Serdes.String, Serdes.String);
        var ri = d.CreateInputTopic("r", Serdes.String, Serdes.String);
        li.PipeInput("k", "A", 1); // no right side yet: no call
        ri.PipeInput("k", "a", 2); // new result only (the left row had no old value)
        li.PipeInput("k", "B", 3); // new and old result if old values were sent: one call here
        ri.PipeInput("k", "b", 4);
        li.PipeInput("k", null, 5); // a tombstone: no new result, and no old one to compute
        Assert.Equal(3, calls);
        Assert.Equal(
            [new("k", "Aa", 2), new("k", "Ba", 3), new("k", "Bb", 4), new TestRecord<string, string>("k", null, 5)],
            d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList());
        if (materialized) Assert.False(d.GetTimestampedKeyValueStore<string, string>("joined").TryGet("k", out _));
    }

    [Fact]
    public void JoinFeedingAStreamAndAnAggregate_StillSendsOldResults_ToTheAggregate()
    {
        // The stream child comes first: deciding from the first child alone would starve the aggregate of retractions.
        var b = new StreamsBuilder();
        var joined = b.Table("users", S).Join(b.Table("scores", S), (city, pts) => $"{city}:{pts}");
        joined.ToStream().To("out", P);
        joined.GroupBy((_, v) => KeyValue.Pair(v.Split(':')[0], long.Parse(v.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)),
                new Grouped<string, long> { ValueSerde = Serdes.Int64 })
            .Aggregate(() => 0L, (_, v, a) => a + v, (_, v, a) => a - v, Materialized.As<string, long>("points"));
        using var d = new TopologyTestDriver(b.Build());
        var u = d.CreateInputTopic("users", Serdes.String, Serdes.String);
        var s = d.CreateInputTopic("scores", Serdes.String, Serdes.String);
        u.PipeInput("u1", "paris", 1);
        s.PipeInput("u1", "10", 2);
        s.PipeInput("u1", "20", 3); // retract 10
        u.PipeInput("u1", "oslo", 4); // retract 20 from paris
        var store = d.GetTimestampedKeyValueStore<string, long>("points");
        Assert.True(store.TryGet("paris", out var paris));
        Assert.True(store.TryGet("oslo", out var oslo));
        Assert.Equal((0L, 20L), (paris.Value, oslo.Value));
        Assert.Equal(["paris:10", "paris:20", "oslo:20"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Theory]
    [InlineData("inner")]
    [InlineData("left")]
    [InlineData("outer")]
    public void StreamOfTheJoin_IsTheSame_WithOrWithoutOldResults(string kind)
    {
        // Twin topologies over the same updates: one join feeds only ToStream (no old results), the other also feeds
        // an aggregate (old results on). Their streams must agree record for record: values, tombstones, timestamps.
        var update = Gen.Select(Gen.Int[0, 1], Gen.Int[0, 4], Gen.Int[0, 5], Gen.Long[0, 500],
            (side, k, v, ts) => (Side: side, Key: "k" + k, Value: v == 0 ? null : (side == 0 ? "L" : "R") + v, Ts: ts));
        update.Array[0, 50].Sample(updates =>
        {
            var plain = Run(kind, updates, withAggregate: false);
            var withOld = Run(kind, updates, withAggregate: true);
            Assert.Equal(withOld, plain);
        }, iter: 200);
    }

    private static List<TestRecord<string, string>> Run(string kind, (int Side, string Key, string? Value, long Ts)[] updates, bool withAggregate)
    {
        var b = new StreamsBuilder();
        var l = b.Table("l", S);
        var r = b.Table("r", S);
        var joined = kind switch
        {
            "inner" => l.Join(r, (a, c) => a + "|" + c),
            "left" => l.LeftJoin(r, (a, c) => a + "|" + (c ?? "null")),
            _ => l.OuterJoin(r, (a, c) => (a ?? "null") + "|" + (c ?? "null")),
        };
        joined.ToStream().To("out", P);
        if (withAggregate)
        {
            joined.GroupBy((k, v) => KeyValue.Pair(v.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), 1L),
                    new Grouped<string, long> { ValueSerde = Serdes.Int64 })
                .Aggregate(() => 0L, (_, v, a) => a + v, (_, v, a) => a - v, Materialized.As<string, long>("counts"));
        }
        using var d = new TopologyTestDriver(b.Build());
        var inputs = new[] { d.CreateInputTopic("l", Serdes.String, Serdes.String), d.CreateInputTopic("r", Serdes.String, Serdes.String) };
        foreach (var (side, key, value, ts) in updates) inputs[side].PipeInput(key, value, ts);
        return d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList();
    }
}
