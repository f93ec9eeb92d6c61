using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Dsl;

/// <summary>
/// A materialized KTable.MapValues keeps the mapped table in its store: a mapped value is put with the record's
/// timestamp, a tombstone or a null result deletes the key, and (as a materialized Filter) an out-of-order update of
/// a versioned parent is neither stored nor forwarded.
/// </summary>
public sealed class TableMapValuesMaterializedTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    // "skip" maps to null (absent); everything else is tagged so the store visibly holds the mapped value.
    private static string Tag(string _, string v) => v == "skip" ? null! : "#" + v;

    [Fact]
    public void MapValues_Materialized_StoresMappedValues_AndDeletesOnTombstoneOrNullResult()
    {
        var b = new StreamsBuilder();
        b.Table("t", S).MapValues(Tag, Materialized.As<string, string>("tagged")).ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var t = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        var store = d.GetTimestampedKeyValueStore<string, string>("tagged");

        t.PipeInput("a", "1", 10);
        t.PipeInput("b", "2", 20);
        Assert.True(store.TryGet("a", out var a));
        Assert.Equal(("#1", 10L), (a.Value, a.Timestamp));

        t.PipeInput("a", null, 30);      // tombstone
        t.PipeInput("b", "skip", 40);   // the mapper's null result is absent
        Assert.False(store.TryGet("a", out _));
        Assert.False(store.TryGet("b", out _));
        Assert.Equal(["a:#1@10", "b:#2@20", "a:null@30", "b:null@40"],
            d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList().Select(r => $"{r.Key}:{r.Value ?? "null"}@{r.Timestamp}"));
    }

    [Fact]
    public void MapValues_MaterializedOverAVersionedTable_IgnoresOutOfOrderUpdates()
    {
        var b = new StreamsBuilder();
        var versioned = new Materialized<string, string> { StoreName = "versioned", VersionedHistoryRetention = TimeSpan.FromMinutes(5) };
        b.Table("t", S, versioned).MapValues(Tag, Materialized.As<string, string>("tagged")).ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var t = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        t.PipeInput("k", "2", 100);
        t.PipeInput("k", "4", 50);       // older than the versioned table's latest: history only
        Assert.True(d.GetTimestampedKeyValueStore<string, string>("tagged").TryGet("k", out var held));
        Assert.Equal(("#2", 100L), (held.Value, held.Timestamp));
        Assert.Equal(["k:#2"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList().Select(r => $"{r.Key}:{r.Value}"));
    }
}
