using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>KGroupedTable.Collect: scores (player → "team:points") collected per team, highest first, top 2.</summary>
public sealed class CollectTests
{
    private sealed record Score(string Player, int Points);

    private static (TopologyTestDriver Driver, TestInputTopic<string, string> In) Build(int? limit)
    {
        var b = new StreamsBuilder();
        b.Table("scores", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((player, v) => KeyValue.Pair(v.Split(':')[0], new Score(player, int.Parse(v.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture))))
            .Collect(s => (s.Points, s.Player), descending: true, limit: limit, Materialized.As<string, IReadOnlyList<Score>>("top"));
        var d = new TopologyTestDriver(b.Build());
        return (d, d.CreateInputTopic<string, string>("scores"));
    }

    private static string Top(TopologyTestDriver d, string team) =>
        d.GetTimestampedKeyValueStore<string, IReadOnlyList<Score>>("top").TryGet(team, out var v)
            ? string.Join(",", v.Value.Select(s => $"{s.Player}{s.Points}"))
            : "<none>";

    [Fact]
    public void Collect_PromotesNextMember_WhenShownMemberLeaves()
    {
        var (d, scores) = Build(limit: 2);
        using var _ = d;
        scores.PipeInput("a", "red:5", 1);
        scores.PipeInput("b", "red:9", 2);
        scores.PipeInput("c", "red:7", 3);
        Assert.Equal("b9,c7", Top(d, "red"));
        scores.PipeInput("b", null, 4);
        Assert.Equal("c7,a5", Top(d, "red"));
        scores.PipeInput("a", "blue:1", 5);
        Assert.Equal("c7", Top(d, "red"));
        Assert.Equal("a1", Top(d, "blue"));
        scores.PipeInput("c", "red:2", 6);
        Assert.Equal("c2", Top(d, "red"));
        scores.PipeInput("c", null, 7);
        Assert.Equal("<none>", Top(d, "red"));
    }

    [Fact]
    public void Collect_EmitsOnlyWhenShownListChanges()
    {
        var b = new StreamsBuilder();
        b.Table("scores", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((player, points) => KeyValue.Pair("all", int.Parse(points, System.Globalization.CultureInfo.InvariantCulture)))
            .Collect(p => p, limit: 1)
            .ToStream().MapValues(v => v is null ? "null" : string.Join(",", v)).To("out", Produced.With(Serdes.String, Serdes.String));
        using var d = new TopologyTestDriver(b.Build());
        var scores = d.CreateInputTopic<string, string>("scores");
        var output = d.CreateOutputTopic<string, string>("out");
        scores.PipeInput("a", "3", 1);
        scores.PipeInput("b", "8", 2); // beyond the cap: the shown list [3] does not change
        scores.PipeInput("a", "9", 3); // 3 leaves: 8 is promoted
        Assert.Equal(["3", "8"], output.ReadValuesToList());
    }

    [Fact]
    public void Collect_RejectsNonPositiveLimit()
    {
        var b = new StreamsBuilder();
        var g = b.Table("t", Consumed.With(Serdes.String, Serdes.String)).GroupBy((k, v) => KeyValue.Pair(v, k));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Collect(v => v, limit: 0));
    }
}
