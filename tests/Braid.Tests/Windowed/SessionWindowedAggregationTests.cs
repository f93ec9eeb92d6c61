using Braid.Serialization;

namespace Braid.Tests.Windowed;

/// <summary>Session window aggregations (Kafka's KStreamSessionWindowAggregate). Sessions are [first,last], both inclusive.</summary>
public sealed class SessionWindowedAggregationTests
{
    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    private static WindowHarness Counting(SessionWindows windows, Func<SessionWindowedKStream<string, string>, SessionWindowedKStream<string, string>>? configure = null) =>
        new(g => WindowHarness.AsText((configure?.Invoke(g.WindowedBy(windows)) ?? g.WindowedBy(windows)).Count()),
            WindowedSerdes.SessionWindowed(Serdes.String));

    [Fact]
    public void Session_RecordsWithinTheGap_ExtendTheSession_OthersStartANewOne()
    {
        using var h = Counting(SessionWindows.OfInactivityGapWithNoGrace(Ms(5)));
        // sessions: {}
        Assert.Equal(["k[0,0]=1@0"], h.Pipe("k", "a", 0));
        // {[0,0]=1} — 4 is within the gap: the old session is retracted, the extended one emitted at its end
        Assert.Equal(["k[0,0]=null@0", "k[0,4]=2@4"], h.Pipe("k", "b", 4));
        // {[0,4]=2} — 10 is more than 5 after 4: a new session
        Assert.Equal(["k[10,10]=1@10"], h.Pipe("k", "c", 10));
    }

    [Fact]
    public void Session_BridgingRecord_MergesSessions_AndRetractsTheOldOnes()
    {
        using var h = Counting(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(20)));
        h.Pipe("k", "a", 0);
        h.Pipe("k", "b", 10);
        // {[0,0]=1, [10,10]=1} — c@5 is within the gap of both
        Assert.Equal(["k[0,0]=null@0", "k[10,10]=null@10", "k[0,10]=3@10"], h.Pipe("k", "c", 5));
    }

    [Fact]
    public void Session_RecordInsideASession_RetractsAndReEmitsIt_AsKafkaDoes()
    {
        using var h = Counting(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(20)));
        h.Pipe("k", "a", 0);
        h.Pipe("k", "b", 4);
        Assert.Equal(["k[0,4]=null@4", "k[0,4]=3@4"], h.Pipe("k", "c", 2));
    }

    [Fact]
    public void Session_ClosesOnlyWhenEndPlusGraceIsStrictlyBeforeStreamTime()
    {
        var late = new List<LateRecord<string, string>>();
        using var h = Counting(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(10)), s => s.WithLateRecordHandler(late.Add));
        h.Pipe("k", "a", 0);
        h.Pipe("x", "z", 10);
        // stream time 10, close time 0: a session ending at 0 is still open (0 < 0 is false)
        Assert.Equal(["k[0,0]=null@0", "k[0,1]=2@1"], h.Pipe("k", "b", 1));
        h.Pipe("x", "z", 30);
        // close time 20: a new record at 2 would make [0,2]: 2 < 20, dropped
        Assert.Empty(h.Pipe("k", "late", 2));
        Assert.Equal("late", Assert.Single(late).Value);
        Assert.Equal(1, h.Dropped("expired-window"));
    }

    [Fact]
    public void SessionAggregate_MergesAggregatesWithTheSessionMerger()
    {
        using var h = new WindowHarness(g => g.WindowedBy(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(100)))
            .Aggregate(() => "", (_, v, a) => a + v, (_, a, b) => a + "|" + b), WindowedSerdes.SessionWindowed(Serdes.String));
        h.Pipe("k", "a", 0);
        h.Pipe("k", "b", 10);
        // merger starts from the initializer: ("" | "a") | "b", then the aggregator adds "c"
        Assert.Equal("k[0,10]=|a|bc@10", h.Pipe("k", "c", 5)[^1]);
    }

    [Fact]
    public void SessionReduce_CombinesValuesAcrossMergedSessions()
    {
        using var h = new WindowHarness(g => g.WindowedBy(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(100))).Reduce((a, b) => a + b),
            WindowedSerdes.SessionWindowed(Serdes.String));
        h.Pipe("k", "a", 0);
        h.Pipe("k", "b", 10);
        Assert.Equal("k[0,10]=abc@10", h.Pipe("k", "c", 5)[^1]);
    }

    [Fact]
    public void SessionStore_HoldsOnlyTheMergedSession_WithGapPlusGraceRetention()
    {
        var sb = new StreamsBuilder();
        sb.Stream<string, string>("in").GroupByKey().WindowedBy(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(20)))
            .Count(Materialized.As<string, long>("sessions"));
        using var d = new Testing.TopologyTestDriver(sb.Build());
        var input = d.CreateInputTopic<string, string>("in");
        input.PipeInput("k", "a", 0);
        input.PipeInput("k", "b", 10);
        input.PipeInput("k", "c", 5);
        var store = d.GetSessionStore<string, long>("sessions");
        var session = Assert.Single(store.FindSessions("k", 0, 100));
        Assert.Equal((new Window(0, 10), 3L), (session.Key.Window, session.Value));
        Assert.Equal(25, store.RetentionMs);
    }

    [Fact]
    public void SessionWindowedSerde_UsesKafkasLayout_KeyThenEndThenStart()
    {
        var serde = WindowedSerdes.SessionWindowed(Serdes.String);
        var bytes = serde.Serialize(new Windowed<string>("k", new Window(1, 2)));
        Assert.Equal([(byte)'k', 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1], bytes);
        Assert.Equal(new Windowed<string>("k", new Window(1, 2)), serde.Deserialize(bytes));

        var time = WindowedSerdes.TimeWindowed(Serdes.String, Ms(10));
        var tb = time.Serialize(new Windowed<string>("k", new Window(20, 30)));
        Assert.Equal([(byte)'k', 0, 0, 0, 0, 0, 0, 0, 20], tb);
        Assert.Equal(new Window(20, 30), time.Deserialize(tb).Window);
    }
}
