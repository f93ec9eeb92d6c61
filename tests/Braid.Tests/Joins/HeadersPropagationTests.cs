using System.Text;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Joins;

/// <summary>
/// Which record's headers a join or aggregation result carries (docs/semantics.md, "Headers"): one test per
/// family. Each input record carries a header "src" naming it; each assertion names the record whose headers
/// the result must carry.
/// </summary>
public sealed class HeadersPropagationTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);
    private static readonly StreamsConfig NoThrottle = new() { OuterJoinEmitInterval = TimeSpan.Zero };

    private static Headers H(string source) => new Headers().Add("src", Encoding.UTF8.GetBytes(source));

    private static string Src<TK, TV>(TestRecord<TK, TV> r) =>
        r.Headers is not null && r.Headers.TryGetLast("src", out var h) ? Encoding.UTF8.GetString(h.Value!) : "none";

    private static List<string> Out(TopologyTestDriver d) =>
        d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList().Select(r => $"{r.Value ?? "null"}<{Src(r)}").ToList();

    [Fact]
    public void StreamStreamJoin_ResultCarriesTheArrivingRecordsHeaders_AReleasedResultItsOwnRecords()
    {
        var b = new StreamsBuilder();
        b.Stream("l", S).LeftJoin(b.Stream("r", S), (l, r) => $"{l}+{r ?? "null"}", JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(10)))
            .To("out", P);
        using var d = new TopologyTestDriver(b.Build(), NoThrottle);
        var l = d.CreateInputTopic("l", Serdes.String, Serdes.String);
        var r = d.CreateInputTopic("r", Serdes.String, Serdes.String);
        l.PipeInput("k", "L1", 0, H("L1"));
        r.PipeInput("k", "R1", 5, H("R1"));  // joins L1: the arriving record is R1
        l.PipeInput("j", "L2", 6, H("L2"));  // held, no match
        r.PipeInput("x", "R2", 30, H("R2")); // stream time 30 releases L2 (window end 16): L2's own headers, not R2's
        Assert.Equal(["L1+R1<R1", "L2+null<L2"], Out(d));
    }

    [Fact]
    public void StreamTableJoin_ResultCarriesTheStreamRecordsHeaders_WithGraceTheBufferedRecordsOwn()
    {
        var b = new StreamsBuilder();
        var versioned = new Materialized<string, string> { StoreName = "t", VersionedHistoryRetention = TimeSpan.FromSeconds(10) };
        var table = b.Table("t", S, versioned);
        b.Stream("s", S).Join(table, (s, t) => $"{s}+{t}", new Joined<string, string, string> { GracePeriod = TimeSpan.FromMilliseconds(5) }).To("out", P);
        b.Stream("s2", S).Join(table, (s, t) => $"{s}+{t}").To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("t", Serdes.String, Serdes.String).PipeInput("k", "T", 0, H("T"));
        d.CreateInputTopic("s2", Serdes.String, Serdes.String).PipeInput("k", "A", 1, H("A"));
        var s = d.CreateInputTopic("s", Serdes.String, Serdes.String);
        s.PipeInput("k", "S1", 1, H("S1"));  // buffered
        s.PipeInput("k", "S2", 10, H("S2")); // releases S1 (1 <= 10 - 5) with S1's headers
        Assert.Equal(["A+T<A", "S1+T<S1"], Out(d));
    }

    [Fact]
    public void StreamGlobalTableJoin_ResultCarriesTheStreamRecordsHeaders()
    {
        var b = new StreamsBuilder();
        var g = b.GlobalTable("g", S, new Materialized<string, string> { StoreName = "g" });
        b.Stream("s", S).Join(g, (k, _) => k, (s, t) => $"{s}+{t}").To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("g", Serdes.String, Serdes.String).PipeInput("k", "G", 0, H("G"));
        d.CreateInputTopic("s", Serdes.String, Serdes.String).PipeInput("k", "S", 1, H("S"));
        Assert.Equal(["S+G<S"], Out(d));
    }

    [Fact]
    public void TableTableJoin_ResultCarriesTheUpdatingSidesHeaders()
    {
        var b = new StreamsBuilder();
        b.Table("l", S).Join(b.Table("r", S), (l, r) => $"{l}+{r}").ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var l = d.CreateInputTopic("l", Serdes.String, Serdes.String);
        var r = d.CreateInputTopic("r", Serdes.String, Serdes.String);
        l.PipeInput("k", "L1", 0, H("L1"));
        r.PipeInput("k", "R1", 1, H("R1"));
        l.PipeInput("k", "L2", 2, H("L2"));
        Assert.Equal(["L1+R1<R1", "L2+R1<L2"], Out(d));
    }

    [Fact]
    public void ForeignKeyJoin_LeftUpdateCarriesTheLeftRecordsHeaders_RightUpdateTheRightRecords()
    {
        var b = new StreamsBuilder();
        b.Table("l", S).Join(b.Table("r", S), v => v.Split('|')[1], (l, r) => $"{l}+{r}").ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var l = d.CreateInputTopic("l", Serdes.String, Serdes.String);
        var r = d.CreateInputTopic("r", Serdes.String, Serdes.String);
        r.PipeInput("f", "R1", 0, H("R1"));
        l.PipeInput("k", "L1|f", 1, H("L1"));
        r.PipeInput("f", "R2", 2, H("R2"));
        Assert.Equal(["L1|f+R1<L1", "L1|f+R2<R2"], Out(d));
    }

    [Fact]
    public void Aggregations_CarryTheHeadersOfTheRecordThatUpdatedThem()
    {
        var b = new StreamsBuilder();
        b.Stream("s", S).GroupByKey().Reduce((a, v) => a + v).ToStream().To("out", P);
        b.Table("t", S).GroupBy((_, v) => KeyValue.Pair(v[..1], v)).Reduce((a, v) => a + v, (a, v) => a.Replace(v, "", StringComparison.Ordinal))
            .ToStream().To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var s = d.CreateInputTopic("s", Serdes.String, Serdes.String);
        s.PipeInput("k", "a", 0, H("s1"));
        s.PipeInput("k", "b", 1, H("s2"));
        var t = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        t.PipeInput("r1", "x1", 0, H("t1"));
        t.PipeInput("r2", "x2", 1, H("t2"));
        Assert.Equal(["a<s1", "ab<s2", "x1<t1", "x1x2<t2"], Out(d));
    }

    [Fact]
    public void WindowedAggregation_UpdateCarriesItsRecordsHeaders_AFinalResultTheLastAggregatedRecords()
    {
        var b = new StreamsBuilder();
        var windows = TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(10));
        var grouped = b.Stream("s", S).GroupByKey();
        grouped.WindowedBy(windows).Reduce((a, v) => a + v).ToStream().Map((k, v) => KeyValue.Pair(k.Key, v!)).To("out", P);
        grouped.WindowedBy(windows).EmitStrategy(EmitStrategy.OnWindowClose()).Reduce((a, v) => a + v)
            .ToStream().Map((k, v) => KeyValue.Pair(k.Key, "final:" + v)).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var s = d.CreateInputTopic("s", Serdes.String, Serdes.String);
        s.PipeInput("k", "a", 0, H("s1"));
        s.PipeInput("k", "b", 5, H("s2"));
        s.PipeInput("other", "c", 20, H("s3")); // closes [0,10): its final result carries s2's headers, not s3's
        Assert.Equal(["a<s1", "ab<s2", "c<s3", "final:ab<s2"], Out(d));
    }

    [Fact]
    public void Suppress_EmitsWithTheHeadersOfTheLastHeldUpdate()
    {
        var b = new StreamsBuilder();
        b.Stream("s", S).GroupByKey().WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(10))).Reduce((a, v) => a + v)
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()))
            .ToStream().Map((k, v) => KeyValue.Pair(k.Key, v!)).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var s = d.CreateInputTopic("s", Serdes.String, Serdes.String);
        s.PipeInput("k", "a", 0, H("s1"));
        s.PipeInput("k", "b", 5, H("s2"));
        s.PipeInput("other", "c", 20, H("s3"));
        Assert.Equal(["ab<s2"], Out(d));
    }
}
