using Braid.Internal.Joins;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Versioned;

/// <summary>Stream–table join grace (KIP-923): buffering, release order, late records, and validation.</summary>
public sealed class StreamTableGraceTests
{
    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    private sealed class Harness : IDisposable
    {
        public Harness(long graceMs, bool leftJoin = false, long retentionMs = 1_000)
        {
            var b = new StreamsBuilder();
            var table = b.Table("t", Strings, new Materialized<string, string> { StoreName = "store", VersionedHistoryRetention = TimeSpan.FromMilliseconds(retentionMs) });
            var joined = new Joined<string, string, string> { GracePeriod = TimeSpan.FromMilliseconds(graceMs) };
            var stream = b.Stream("s", Strings);
            var result = leftJoin
                ? stream.LeftJoin(table, (s, t) => s + "-" + (t ?? "null"), joined)
                : stream.Join(table, (s, t) => s + "-" + t, joined);
            result.To("out", Produced.With(Serdes.String, Serdes.String));
            Driver = new TopologyTestDriver(b.Build());
            Table = Driver.CreateInputTopic("t", Serdes.String, Serdes.String);
            Stream = Driver.CreateInputTopic("s", Serdes.String, Serdes.String);
            Output = Driver.CreateOutputTopic("out", Serdes.String, Serdes.String);
        }

        public TopologyTestDriver Driver { get; }

        public TestInputTopic<string, string> Table { get; }

        public TestInputTopic<string, string> Stream { get; }

        public TestOutputTopic<string, string> Output { get; }

        public List<(string? Key, string? Value, long Ts)> Read() =>
            Output.ReadRecordsToList().Select(r => (r.Key, r.Value, r.Timestamp)).ToList();

        public void Dispose() => Driver.Dispose();
    }

    [Fact]
    public void GraceJoin_WithAnUnversionedTable_IsRejectedAtBuildTime()
    {
        var b = new StreamsBuilder();
        var table = b.Table("t", Strings);
        var ex = Assert.Throws<TopologyException>(() =>
            b.Stream("s", Strings).Join(table, (s, t) => s + t, new Joined<string, string, string> { GracePeriod = TimeSpan.FromSeconds(1) }));
        Assert.Contains("versioned", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraceJoin_GraceLongerThanHistoryRetention_IsRejectedAtBuildTime()
    {
        var b = new StreamsBuilder();
        var table = b.Table("t", Strings, new Materialized<string, string> { VersionedHistoryRetention = TimeSpan.FromSeconds(1) });
        var ex = Assert.Throws<TopologyException>(() =>
            b.Stream("s", Strings).Join(table, (s, t) => s + t, new Joined<string, string, string> { GracePeriod = TimeSpan.FromSeconds(2) }));
        Assert.Contains("history retention", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraceJoin_ReleasesHeldRecordsInTimestampThenKeyOrder_OnceBufferTimePassesTsPlusGrace()
    {
        using var h = new Harness(graceMs: 5);
        foreach (var k in new[] { "a", "b", "c" }) h.Table.PipeInput(k, "T" + k, 0);
        h.Stream.PipeInput("c", "c10", 10);
        h.Stream.PipeInput("b", "b8", 8);
        h.Stream.PipeInput("a", "a8", 8);
        h.Stream.PipeInput("a", "a9", 9);
        Assert.Empty(h.Read());

        h.Stream.PipeInput("a", "a14", 14); // buffer time 14: due are ts ≤ 9
        Assert.Equal([("a", "a8-Ta", 8L), ("b", "b8-Tb", 8L), ("a", "a9-Ta", 9L)], h.Read());

        h.Stream.PipeInput("a", "a15", 15); // due: ts ≤ 10
        Assert.Equal([("c", "c10-Tc", 10L)], h.Read());
    }

    [Fact]
    public void GraceJoin_HeldRecord_SeesATableUpdateThatArrivesWithinGrace()
    {
        using var h = new Harness(graceMs: 10, leftJoin: true);
        h.Stream.PipeInput("k", "s5", 5);
        h.Table.PipeInput("k", "late-row", 3); // arrives after the stream record, valid before it
        h.Stream.PipeInput("k", "s15", 15);
        Assert.Equal([("k", "s5-late-row", 5L)], h.Read());
    }

    [Fact]
    public void GraceJoin_LateRecord_IsJoinedAtOnce_AndReleasesNothing()
    {
        using var h = new Harness(graceMs: 2, leftJoin: true);
        h.Table.PipeInput("k", "T", 0);
        h.Stream.PipeInput("k", "s9", 9);
        h.Stream.PipeInput("k", "s10", 10); // buffer time 10; nothing due (deadline 8)
        Assert.Empty(h.Read());

        h.Stream.PipeInput("k", "s3", 3);   // 3 < 10 − 2: late
        Assert.Equal([("k", "s3-T", 3L)], h.Read());
    }

    [Fact]
    public void GraceJoin_NullValueRecords_AreDroppedAndDoNotAdvanceBufferTime()
    {
        using var h = new Harness(graceMs: 5);
        h.Table.PipeInput("k", "T", 0);
        h.Stream.PipeInput("k", "s10", 10);
        h.Stream.PipeInput("k", null, 100);
        h.Stream.PipeInput("k", "s12", 12); // buffer time 12, not 100: s10 is not due yet
        Assert.Empty(h.Read());
        Assert.Equal(1, h.Driver.DroppedRecords.Single(d => d.Key.EndsWith(":null-value", StringComparison.Ordinal)).Value);

        h.Stream.PipeInput("k", "s15", 15);
        Assert.Equal([("k", "s10-T", 10L)], h.Read());
    }

    [Fact]
    public void GraceLeftJoin_NullKeyRecord_IsForwardedAtOnce_InnerJoinDropsIt()
    {
        using (var left = new Harness(graceMs: 5, leftJoin: true))
        {
            left.Stream.PipeInput(null, "nokey", 10);
            Assert.Equal([((string?)null, "nokey-null", 10L)], left.Read());
        }
        using var inner = new Harness(graceMs: 5);
        inner.Stream.PipeInput(null, "nokey", 10);
        inner.Stream.PipeInput("k", "s100", 100);
        Assert.Empty(inner.Read());
        Assert.Equal(1, inner.Driver.DroppedRecords.Single(d => d.Key.EndsWith(":null-key", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void GraceBufferEntry_RoundTripsThroughItsSerde_WithHeaders()
    {
        var serde = new GraceBufferEntrySerde<string, string>(Serdes.String, Serdes.String);
        var headers = new Headers().Add("h1", [1, 2]).Add("h2", null);
        var entry = new GraceBufferEntry<string, string>("k", "v", -42, headers);

        var back = serde.Deserialize(serde.Serialize(entry));

        Assert.Equal(("k", "v", -42L), (back.Key, back.Value, back.Timestamp));
        Assert.Equal(headers.Select(h => (h.Key, h.Value is null ? null : Convert.ToHexString(h.Value))),
            back.Headers!.Select(h => (h.Key, h.Value is null ? null : Convert.ToHexString(h.Value))));
        var meta = serde.Deserialize(serde.Serialize(new GraceBufferEntry<string, string>(null, null, 7, null)));
        Assert.Equal((null, null, 7L, null), (meta.Key, meta.Value, meta.Timestamp, meta.Headers));
    }

    [Fact]
    public void TimeFirstKeys_OrderByTimestampIncludingNegatives_ThenKey_ThenArrival()
    {
        byte[][] keys =
        [
            TimeFirstKey.Of(5, [2], 0),
            TimeFirstKey.Of(-3, [9], 7),
            TimeFirstKey.Of(5, [1], 9),
            TimeFirstKey.Of(5, [1], 3),
        ];
        var sorted = keys.OrderBy(k => k, Internal.State.ByteArrayComparer.Instance).ToList();
        Assert.Equal([keys[1], keys[3], keys[2], keys[0]], sorted);
    }
}
