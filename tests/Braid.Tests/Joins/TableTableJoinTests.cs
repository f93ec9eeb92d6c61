using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Joins;

public sealed class TableTableJoinTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    [Fact]
    public void OuterJoin_EmitsOnEitherSide_WithMaxTimestamp_AndTombstoneWhenBothGone()
    {
        var b = new StreamsBuilder();
        b.Table("l", S).OuterJoin(b.Table("r", S), (l, r) => $"{l ?? "-"}/{r ?? "-"}", Materialized.As<string, string>("joined"))
            .ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var l = d.CreateInputTopic("l", Serdes.String, Serdes.String);
        var r = d.CreateInputTopic("r", Serdes.String, Serdes.String);
        l.PipeInput("k", "A", 10);
        r.PipeInput("k", "a", 5);
        l.PipeInput("k", null, 20);
        r.PipeInput("k", null, 7);
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList();
        Assert.Equal(
            [new("k", "A/-", 10), new("k", "A/a", 10), new("k", "-/a", 20), new TestRecord<string, string>("k", null, 7)],
            output);
        Assert.False(d.GetTimestampedKeyValueStore<string, string>("joined").TryGet("k", out _));
    }

    [Fact]
    public void JoinResult_CanBeJoinedAgain_ThroughItsValueGetter()
    {
        var b = new StreamsBuilder();
        var joined = b.Table("l", S).Join(b.Table("r", S), (l, r) => l + r);
        b.Stream("s", S).Join(joined, (s, j) => s + ":" + j).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("l", Serdes.String, Serdes.String).PipeInput("k", "L", 1);
        d.CreateInputTopic("r", Serdes.String, Serdes.String).PipeInput("k", "R", 2);
        d.CreateInputTopic("s", Serdes.String, Serdes.String).PipeInput("k", "S", 3);
        Assert.Equal("S:LR", d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValue());
    }

    [Fact]
    public void JoinedTableAggregate_RetractsOldResults_WhenASideChanges()
    {
        // users(id -> city) ⋈ scores(id -> points); total points per city, kept right as rows change.
        var b = new StreamsBuilder();
        var users = b.Table("users", S);
        var scores = b.Table("scores", S);
        users.Join(scores, (city, pts) => $"{city}:{pts}")
            .GroupBy((_, v) => KeyValue.Pair(v.Split(':')[0], long.Parse(v.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)),
                new Grouped<string, long> { ValueSerde = Serdes.Int64 })
            .Aggregate(() => 0L, (_, v, a) => a + v, (_, v, a) => a - v, Materialized.As<string, long>("points-per-city"));
        using var d = new TopologyTestDriver(b.Build());
        var u = d.CreateInputTopic("users", Serdes.String, Serdes.String);
        var s = d.CreateInputTopic("scores", Serdes.String, Serdes.String);
        u.PipeInput("u1", "paris", 1);
        s.PipeInput("u1", "10", 2);
        u.PipeInput("u2", "paris", 3);
        s.PipeInput("u2", "5", 4);
        s.PipeInput("u1", "20", 5);   // update: retract 10, add 20
        u.PipeInput("u2", "oslo", 6); // move: retract from paris, add to oslo
        u.PipeInput("u1", null, 7);   // delete: retract 20
        var store = d.GetTimestampedKeyValueStore<string, long>("points-per-city");
        store.TryGet("paris", out var paris);
        store.TryGet("oslo", out var oslo);
        Assert.Equal((0L, 5L), (paris.Value, oslo.Value));
    }
}
