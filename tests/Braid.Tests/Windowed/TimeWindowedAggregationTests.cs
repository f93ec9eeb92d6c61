using Braid.Serialization;

namespace Braid.Tests.Windowed;

/// <summary>Tumbling and hopping window aggregations (Kafka's KStreamWindowAggregate). Diagrams show window state before each step.</summary>
public sealed class TimeWindowedAggregationTests
{
    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    private static WindowHarness Counting(TimeWindows windows, Func<TimeWindowedKStream<string, string>, TimeWindowedKStream<string, string>>? configure = null) =>
        new(g => WindowHarness.AsText((configure?.Invoke(g.WindowedBy(windows)) ?? g.WindowedBy(windows)).Count()),
            WindowedSerdes.TimeWindowed(Serdes.String, Ms(windows.SizeMs)));

    [Fact]
    public void Tumbling_CountsPerKeyAndWindow_WithTheLargestRecordTimestamp()
    {
        using var h = Counting(TimeWindows.OfSizeWithNoGrace(Ms(10)));
        // windows: {}
        Assert.Equal(["a[0,10]=1@3"], h.Pipe("a", "x", 3));
        // a[0,10)=1@3
        Assert.Equal(["a[0,10]=2@7"], h.Pipe("a", "x", 7));
        // a[0,10)=2@7 — another key has its own window
        Assert.Equal(["b[0,10]=1@5"], h.Pipe("b", "x", 5));
        // a[0,10)=2@7 b[0,10)=1@5 — 10 starts the next window (end is exclusive)
        Assert.Equal(["a[10,20]=1@10"], h.Pipe("a", "x", 10));
        // stream time 10, no grace: [0,10) closed (end 10 <= 10), so b@9 is late
        Assert.Empty(h.Pipe("b", "x", 9));
        Assert.Equal(1, h.Dropped("expired-window"));
    }

    [Fact]
    public void Tumbling_RecordWithinGrace_IsCounted_LaterOneDropped()
    {
        using var h = Counting(TimeWindows.OfSizeAndGrace(Ms(10), Ms(5)));
        Assert.Equal(["a[0,10]=1@3"], h.Pipe("a", "x", 3));
        Assert.Equal(["b[10,20]=1@14"], h.Pipe("b", "x", 14));
        // stream time 14, close time 9: [0,10) still open (10 > 9), out-of-order a@8 counts, timestamp stays the max
        Assert.Equal(["a[0,10]=2@8"], h.Pipe("a", "x", 8));
        Assert.Equal(["b[20,30]=1@20"], h.Pipe("b", "x", 20));
        // stream time 20, close time 15: [0,10) closed
        Assert.Empty(h.Pipe("a", "x", 9));
        Assert.Equal(1, h.Dropped("expired-window"));
    }

    [Fact]
    public void Hopping_RecordUpdatesEveryWindowContainingIt_InStartOrder()
    {
        using var h = Counting(TimeWindows.OfSizeWithNoGrace(Ms(10)).AdvanceBy(Ms(5)));
        // timestamps below the size only fall into windows starting at 0 or later: [0,10) alone holds 2
        Assert.Equal(["b[0,10]=1@2"], h.Pipe("b", "x", 2));
        // windows containing 7: [0,10) and [5,15)
        Assert.Equal(["a[0,10]=1@7", "a[5,15]=1@7"], h.Pipe("a", "x", 7));
        // 12: [5,15) and [10,20)
        Assert.Equal(["a[5,15]=2@12", "a[10,20]=1@12"], h.Pipe("a", "x", 12));
    }

    [Fact]
    public void Hopping_PartlyLateRecord_UpdatesOnlyItsOpenWindows_AndIsNotDropped()
    {
        using var h = Counting(TimeWindows.OfSizeWithNoGrace(Ms(10)).AdvanceBy(Ms(5)));
        h.Pipe("a", "x", 12);
        // stream time 12: [0,10) closed, [5,15) open
        Assert.Equal(["a[5,15]=2@12"], h.Pipe("a", "x", 8));
        Assert.Equal(0, h.Dropped("expired-window"));
    }

    [Fact]
    public void LateRecord_IsCountedAndHandedToTheHandler()
    {
        var late = new List<LateRecord<string, string>>();
        using var h = Counting(TimeWindows.OfSizeAndGrace(Ms(10), Ms(2)), w => w.WithLateRecordHandler(late.Add));
        h.Pipe("a", "x", 1);
        h.Pipe("a", "x", 12);
        // stream time 12, close time 10: [0,10) closed
        Assert.Empty(h.Pipe("a", "too-late", 9));
        var r = Assert.Single(late);
        Assert.Equal(("a", "too-late", 9L, 12L, 2L), (r.Key, r.Value, r.Timestamp, r.StreamTime, r.GraceMs));
        Assert.Equal(1, h.Dropped("expired-window"));
    }

    [Fact]
    public void Reduce_And_Aggregate_FoldValuesPerWindow()
    {
        var serde = WindowedSerdes.TimeWindowed(Serdes.String, Ms(10));
        using var reduce = new WindowHarness(g => g.WindowedBy(TimeWindows.OfSizeWithNoGrace(Ms(10))).Reduce((a, b) => a + b), serde);
        reduce.Pipe("k", "x", 1);
        Assert.Equal(["k[0,10]=xy@2"], reduce.Pipe("k", "y", 2));

        using var agg = new WindowHarness(g => g.WindowedBy(TimeWindows.OfSizeWithNoGrace(Ms(10)))
            .Aggregate(() => "<", (_, v, a) => a + v), serde);
        Assert.Equal(["k[0,10]=<x@1"], agg.Pipe("k", "x", 1));
        Assert.Equal(["k[0,10]=<xy@2"], agg.Pipe("k", "y", 2));
    }

    [Fact]
    public void NullKeyAndNullValue_AreDroppedAndCounted()
    {
        using var h = Counting(TimeWindows.OfSizeWithNoGrace(Ms(10)));
        Assert.Empty(h.Pipe(null, "x", 1));
        Assert.Empty(h.Pipe("a", null, 1));
        Assert.Equal((1L, 1L), (h.Dropped("null-key"), h.Dropped("null-value")));
    }

    [Fact]
    public void WindowStore_HoldsTheAggregateUnderTheWindowStart()
    {
        var sb = new StreamsBuilder();
        sb.Stream<string, string>("in").GroupByKey().WindowedBy(TimeWindows.OfSizeAndGrace(Ms(10), Ms(5)))
            .Count(Materialized.As<string, long>("counts"));
        using var d = new Testing.TopologyTestDriver(sb.Build());
        var input = d.CreateInputTopic<string, string>("in");
        input.PipeInput("a", "x", 3);
        input.PipeInput("a", "x", 4);
        var store = Assert.IsAssignableFrom<Braid.State.IWindowStore<string, Braid.State.ValueAndTimestamp<long>>>(d.GetStateStore("counts"));
        Assert.Equal([(0L, 2L, 4L)], store.Fetch("a", 0, 100).Select(v => (v.Timestamp, v.Value.Value, v.Value.Timestamp)));
        Assert.Equal(15, store.RetentionMs);
    }

    [Fact]
    public void MaterializedRetention_ShorterThanSizePlusGrace_IsRejected()
    {
        var g = new StreamsBuilder().Stream<string, string>("in").GroupByKey().WindowedBy(TimeWindows.OfSizeAndGrace(Ms(10), Ms(5)));
        var e = Assert.Throws<TopologyException>(() => g.Count(new Materialized<string, long> { StoreName = "s", Retention = Ms(14) }));
        Assert.Contains("15 ms", e.Message);
    }
}
