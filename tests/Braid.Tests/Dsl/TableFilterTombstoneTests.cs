using System.Globalization;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Dsl;

/// <summary>
/// KTable.Filter's tombstones, decided as Kafka's KTableFilter does (the expectations are KTableFilterTest's):
/// without old values every rejected record is a tombstone; with old values (named parent, or a downstream
/// GroupBy / left join / Suppress) only a key that stops passing is, unless the upstream table is versioned.
/// </summary>
public sealed class TableFilterTombstoneTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    private static bool Even(string _, string v) => int.Parse(v, CultureInfo.InvariantCulture) % 2 == 0;

    private static List<string> Run(StreamsBuilder b, params (string Key, string? Value, long Ts)[] input)
    {
        using var d = new TopologyTestDriver(b.Build());
        var t = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        foreach (var (k, v, ts) in input) t.PipeInput(k, v, ts);
        return d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList()
            .Select(r => $"{r.Key}:{r.Value ?? "null"}@{r.Timestamp}").ToList();
    }

    private static readonly (string, string?, long)[] KafkaInput =
        [("A", "1", 10), ("B", "2", 5), ("C", "3", 8), ("D", "4", 14), ("A", null, 18), ("B", null, 15)];

    /// <summary>KTableFilterTest.shouldPassThroughWithoutMaterialization (doTestKTable), filter and filterNot.</summary>
    [Fact]
    public void Filter_OfAnUnnamedTable_SendsATombstoneForEveryRejectedRecord()
    {
        var b = new StreamsBuilder();
        b.Table("t", S).Filter(Even).ToStream().To("out", P);
        Assert.Equal(["A:null@10", "B:2@5", "C:null@8", "D:4@14", "A:null@18", "B:null@15"], Run(b, KafkaInput));

        var b2 = new StreamsBuilder();
        b2.Table("t", S).FilterNot(Even).ToStream().To("out", P);
        Assert.Equal(["A:1@10", "B:null@5", "C:3@8", "D:null@14", "A:null@18", "B:null@15"], Run(b2, KafkaInput));
    }

    /// <summary>A named parent sends old values (Kafka: the filter asks parent.enableSendingOldValues(false) when built).</summary>
    [Fact]
    public void Filter_OfANamedTable_SendsATombstoneOnlyWhenAKeyStopsPassing()
    {
        var b = new StreamsBuilder();
        b.Table("t", S, Materialized.As<string, string>("t-store")).Filter(Even).ToStream().To("out", P);
        Assert.Equal(["B:2@5", "D:4@14", "B:null@15"], Run(b, KafkaInput));
    }

    /// <summary>KTableFilterTest.shouldSkipNullToRepartitionWithoutMaterialization: a downstream GroupBy forces old values.</summary>
    [Fact]
    public void Filter_FeedingAGroupBy_SkipsRecordsThatNeverPassed()
    {
        var b = new StreamsBuilder();
        var filtered = b.Table("t", S).Filter((_, v) => v == "accept");
        filtered.GroupBy((k, v) => new KeyValue<string, string>(k, v)).Reduce((a, v) => a + v, (a, v) => a);
        filtered.ToStream().To("out", P);
        Assert.Empty(Run(b, ("A", "reject", 5), ("B", "reject", 10), ("C", "reject", 20)));
    }

    /// <summary>A left join's left side sends old values too (Kafka's KTableImpl.doJoin).</summary>
    [Fact]
    public void Filter_OnTheLeftOfALeftJoin_SkipsRecordsThatNeverPassed()
    {
        var b = new StreamsBuilder();
        var filtered = b.Table("t", S).Filter((_, v) => v == "accept");
        filtered.LeftJoin(b.Table("r", S), (l, r) => l + r);
        filtered.ToStream().To("out", P);
        Assert.Empty(Run(b, ("A", "reject", 5)));
    }

    /// <summary>KTableFilterTest.shouldNotSkipNullIfVersionedUpstream: old values are sent, yet a versioned upstream still sends every rejection.</summary>
    [Fact]
    public void Filter_OfAVersionedTable_SendsATombstoneForEveryRejectedRecord_EvenWithOldValues()
    {
        var b = new StreamsBuilder();
        var versioned = new Materialized<string, string> { StoreName = "versioned", VersionedHistoryRetention = TimeSpan.FromMinutes(5) };
        var filtered = b.Table("t", S, versioned).Filter((_, v) => v == "accept");
        filtered.GroupBy((k, v) => new KeyValue<string, string>(k, v)).Reduce((a, v) => a + v, (a, v) => a);
        filtered.ToStream().To("out", P);
        Assert.Equal(["A:null@5", "B:null@10", "C:null@20"], Run(b, ("A", "reject", 5), ("B", "reject", 10), ("C", "reject", 20)));
    }

    /// <summary>
    /// A materialized filter sends a delete only for a key its store held (Kafka with its record cache, which
    /// skips a delete of a key neither the cache nor the store has).
    /// </summary>
    [Fact]
    public void Filter_Materialized_SendsADeleteOnlyForAKeyItHeld()
    {
        var b = new StreamsBuilder();
        b.Table("t", S).Filter(Even, Materialized.As<string, string>("evens")).ToStream().To("out", P);
        Assert.Equal(["B:2@5", "D:4@14", "B:null@15"], Run(b, KafkaInput));
    }

    /// <summary>
    /// A materialized filter of a versioned table keeps latest values only: an out-of-order update neither
    /// overwrites its store nor reaches an aggregate (Braid's choice; docs/differences.md).
    /// </summary>
    [Fact]
    public void Filter_MaterializedOverAVersionedTable_IgnoresOutOfOrderUpdates()
    {
        var b = new StreamsBuilder();
        var versioned = new Materialized<string, string> { StoreName = "versioned", VersionedHistoryRetention = TimeSpan.FromMinutes(5) };
        b.Table("t", S, versioned).Filter(Even, Materialized.As<string, string>("evens")).ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var t = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        t.PipeInput("k", "2", 100);
        t.PipeInput("k", "4", 50);
        Assert.True(d.GetTimestampedKeyValueStore<string, string>("evens").TryGet("k", out var held));
        Assert.Equal("2", held.Value);
        Assert.Equal(["k:2"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList().Select(r => $"{r.Key}:{r.Value}"));
    }
}
