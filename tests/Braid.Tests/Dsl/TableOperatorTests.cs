using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Dsl;

public sealed class TableOperatorTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    [Fact]
    public void Table_KeepsLatestValuePerKey_AndTombstoneDeletes()
    {
        var b = new StreamsBuilder();
        b.Table("t", S, Materialized.As<string, string>("orders")).ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        input.PipeInput("o1", "created", 1);
        input.PipeInput("o1", "delivered", 2);
        input.PipeInput("o2", "created", 3);
        input.PipeInput("o2", null, 4);
        var store = d.GetTimestampedKeyValueStore<string, string>("orders");
        Assert.True(store.TryGet("o1", out var o1));
        Assert.Equal("delivered", o1.Value);
        Assert.False(store.TryGet("o2", out _));
        var changelog = d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList();
        Assert.Equal(4, changelog.Count);
        Assert.Equal(new KeyValue<string?, string?>("o2", null), changelog[3]);
    }

    [Fact]
    public void Filter_TurnsAnUpdateThatStopsMatchingIntoADelete()
    {
        var b = new StreamsBuilder();
        // A named (materialized) source sends old values, so the filter skips records that never passed
        // (Kafka's KTableFilter with sendOldValues; the unnamed case is in TableFilterTombstoneTests).
        b.Table("t", S, Materialized.As<string, string>("t-store")).Filter((_, v) => v.StartsWith("open", StringComparison.Ordinal)).ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        input.PipeInput("k", "open-1", 1);
        input.PipeInput("k", "closed", 2);   // old passed, new does not: a tombstone downstream
        input.PipeInput("k", "closed-2", 3); // neither passes: nothing
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList();
        Assert.Equal([new("k", "open-1"), new KeyValue<string?, string?>("k", null)], output);
    }

    [Fact]
    public void MapValues_MapsTableRows_AndIsJoinableAsAView()
    {
        var b = new StreamsBuilder();
        var prices = b.Table("prices", S).MapValues((_, v) => (int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) * 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        b.Stream("orders", S).Join(prices, (o, p) => $"{o}@{p}").To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("prices", Serdes.String, Serdes.String).PipeInput("apple", "3", 1);
        d.CreateInputTopic("orders", Serdes.String, Serdes.String).PipeInput("apple", "o1", 2);
        Assert.Equal("o1@6", d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValue());
    }

    [Fact]
    public void GroupByAggregate_StaysRight_WhenRowsMoveBetweenGroupsOrAreDeleted()
    {
        // orders (id -> "region:amount"); total amount per region, with adder and subtractor.
        var b = new StreamsBuilder();
        b.Table("orders", S)
            .GroupBy((_, v) => KeyValue.Pair(v.Split(':')[0], long.Parse(v.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)),
                new Grouped<string, long> { KeySerde = Serdes.String, ValueSerde = Serdes.Int64 })
            .Aggregate(() => 0L, (_, v, agg) => agg + v, (_, v, agg) => agg - v,
                new Materialized<string, long> { StoreName = "totals", ValueSerde = Serdes.Int64 })
            .ToStream().To("out", Produced.With(Serdes.String, Serdes.Int64));
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("orders", Serdes.String, Serdes.String);
        input.PipeInput("o1", "eu:10", 1);
        input.PipeInput("o2", "eu:5", 2);
        input.PipeInput("o1", "us:10", 3);  // moves from eu to us
        input.PipeInput("o2", "eu:7", 4);   // same group: one update (KIP-904), no transient state
        input.PipeInput("o2", null, 5);     // delete: subtracted from eu
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadKeyValuesToList();
        Assert.Equal(
            [new("eu", 10L), new("eu", 15L), new("eu", 5L), new("us", 10L), new("eu", 7L), new KeyValue<string?, long>("eu", 0L)],
            output);
    }

    [Fact]
    public void GroupByCount_CountsRowsPerGroup()
    {
        var b = new StreamsBuilder();
        b.Table("users", S).GroupBy((_, city) => KeyValue.Pair(city, city)).Count(Materialized.As<string, long>("per-city"));
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("users", Serdes.String, Serdes.String);
        input.PipeInput("u1", "paris", 1);
        input.PipeInput("u2", "paris", 2);
        input.PipeInput("u1", "oslo", 3);
        var store = d.GetTimestampedKeyValueStore<string, long>("per-city");
        store.TryGet("paris", out var paris);
        store.TryGet("oslo", out var oslo);
        Assert.Equal((1L, 1L), (paris.Value, oslo.Value));
    }

    [Fact]
    public void StreamReduce_KeepsTheRunningValue()
    {
        var b = new StreamsBuilder();
        b.Stream("in", S).GroupByKey().Reduce((a, v) => a + v, Materialized.As<string, string>("r")).ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k", "a", 1);
        input.PipeInput("k", "b", 2);
        input.PipeInput(null, "dropped", 3);
        Assert.Equal(["a", "ab"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(1, d.DroppedRecords.Values.Sum());
    }

    [Fact]
    public void ValueTypedTable_IsRejected_SoTombstonesStayRepresentable()
    {
        var b = new StreamsBuilder();
        var e = Assert.Throws<TopologyException>(() => b.Table("t", Consumed.With(Serdes.String, Serdes.Int64)));
        Assert.Contains("Int64?", e.Message, StringComparison.Ordinal);
    }
}
