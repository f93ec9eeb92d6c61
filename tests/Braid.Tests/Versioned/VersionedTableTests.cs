using Braid.Serialization;
using Braid.State;
using Braid.Testing;

namespace Braid.Tests.Versioned;

/// <summary>Versioned KTables (KIP-914): what the table source keeps and forwards, and how joins read it.</summary>
public sealed class VersionedTableTests
{
    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    private static Materialized<string, string> Versioned(string store, long retentionMs = 1_000) =>
        new() { StoreName = store, VersionedHistoryRetention = TimeSpan.FromMilliseconds(retentionMs) };

    [Fact]
    public void VersionedTable_OutOfOrderUpdate_GoesIntoHistory_AndIsStillForwardedToToStream()
    {
        var b = new StreamsBuilder();
        b.Table("t", Strings, Versioned("store")).ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
        using var driver = new TopologyTestDriver(b.Build());
        var input = driver.CreateInputTopic("t", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        input.PipeInput("k", "new", 10);
        input.PipeInput("k", "old", 5);

        // Kafka's KTableSource forwards the out-of-order change too (flagged not-latest); ToStream shows it.
        Assert.Equal(["new", "old"], output.ReadValuesToList());
        var store = (IVersionedKeyValueStore<string, string>)driver.GetStateStore("store");
        Assert.True(store.TryGet("k", out var latest));
        Assert.Equal(new VersionedRecord<string>("new", 10, null), latest);
        Assert.True(store.TryGet("k", 7, out var old));
        Assert.Equal(new VersionedRecord<string>("old", 5, 10), old);
    }

    [Fact]
    public void VersionedTable_RecordOlderThanHistoryRetention_IsDroppedAndCounted()
    {
        var b = new StreamsBuilder();
        b.Table("t", Strings, Versioned("store", retentionMs: 100)).ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
        using var driver = new TopologyTestDriver(b.Build());
        var input = driver.CreateInputTopic("t", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        input.PipeInput("k", "a", 1_000);
        input.PipeInput("k", "too-old", 899);

        Assert.Equal(["a"], output.ReadValuesToList());
        Assert.Equal(1, driver.DroppedRecords.Single(d => d.Key.EndsWith(":expired", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void TableTableJoin_IgnoresOutOfOrderUpdatesOfAVersionedInput()
    {
        var b = new StreamsBuilder();
        var left = b.Table("l", Strings, Versioned("left"));
        var right = b.Table("r", Strings, Versioned("right"));
        left.Join(right, (l, r) => l + "-" + r).ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
        using var driver = new TopologyTestDriver(b.Build());
        var l = driver.CreateInputTopic("l", Serdes.String, Serdes.String);
        var r = driver.CreateInputTopic("r", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        l.PipeInput("k", "A", 10);
        r.PipeInput("k", "a", 10);
        r.PipeInput("k", "late", 5);   // history only: no result
        l.PipeInput("k", "B", 20);

        Assert.Equal(["A-a", "B-a"], output.ReadValuesToList());
    }

    [Fact]
    public void StreamTableJoin_VersionedTable_JoinsTheVersionValidAtTheStreamRecordTime()
    {
        var b = new StreamsBuilder();
        var table = b.Table("t", Strings, Versioned("store"));
        b.Stream("s", Strings).LeftJoin(table, (s, t) => s + "-" + (t ?? "null")).To("out", Produced.With(Serdes.String, Serdes.String));
        using var driver = new TopologyTestDriver(b.Build());
        var t = driver.CreateInputTopic("t", Serdes.String, Serdes.String);
        var s = driver.CreateInputTopic("s", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        t.PipeInput("k", "v10", 10);
        t.PipeInput("k", "v20", 20);
        t.PipeInput("k", null, 30);
        s.PipeInput("k", "at5", 5);
        s.PipeInput("k", "at15", 15);
        s.PipeInput("k", "at25", 25);
        s.PipeInput("k", "at35", 35);

        Assert.Equal(["at5-null", "at15-v10", "at25-v20", "at35-null"], output.ReadValuesToList());
    }

    [Fact]
    public void StreamTableJoin_FilteredVersionedTable_StaysVersioned()
    {
        var b = new StreamsBuilder();
        var table = b.Table("t", Strings, Versioned("store")).Filter((_, v) => v != "hidden");
        b.Stream("s", Strings).Join(table, (s, t) => s + "-" + t).To("out", Produced.With(Serdes.String, Serdes.String));
        using var driver = new TopologyTestDriver(b.Build());
        var t = driver.CreateInputTopic("t", Serdes.String, Serdes.String);
        var s = driver.CreateInputTopic("s", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        t.PipeInput("k", "v10", 10);
        t.PipeInput("k", "hidden", 20);
        s.PipeInput("k", "at15", 15);
        s.PipeInput("k", "at25", 25);

        Assert.Equal(["at15-v10"], output.ReadValuesToList());
    }
}
