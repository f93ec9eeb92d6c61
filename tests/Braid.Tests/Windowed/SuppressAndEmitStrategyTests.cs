using Braid.Serialization;

namespace Braid.Tests.Windowed;

/// <summary>Final results: KTable.Suppress (Kafka's KTableSuppressProcessor) and EmitStrategy.OnWindowClose (KIP-825).</summary>
public sealed class SuppressAndEmitStrategyTests
{
    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    private static readonly Serde<Windowed<string>> Tumbling10 = WindowedSerdes.TimeWindowed(Serdes.String, Ms(10));


    [Fact]
    public void UntilWindowCloses_EmitsOnlyTheFinalCount_WhenStreamTimePassesEndPlusGrace()
    {
        using var h = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(TimeWindows.OfSizeAndGrace(Ms(10), Ms(2))).Count()), Tumbling10,
            t => t.Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded())));
        // buffer: {} — updates are held
        Assert.Empty(h.Pipe("a", "x", 1));
        Assert.Empty(h.Pipe("a", "x", 5));
        // buffer: {a[0,10)=2@5} — stream time 11, 11 - 2 < 10: still open
        Assert.Empty(h.Pipe("b", "x", 11));
        // late but within grace: joins the held window
        Assert.Empty(h.Pipe("a", "x", 9));
        // stream time 12: 12 - 2 >= 10, [0,10) closes; the final count leaves once, with its timestamp
        Assert.Equal(["a[0,10]=3@9"], h.Pipe("c", "x", 12));
        // [10,20) for b and c closes at 22: in key order
        Assert.Equal(["b[10,20]=1@11", "c[10,20]=1@12"], h.Pipe("a", "x", 22));
    }

    [Fact]
    public void UntilWindowCloses_OnAHoppingTable_EmitsWindowsInEndThenKeyOrder()
    {
        using var h = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(TimeWindows.OfSizeWithNoGrace(Ms(10)).AdvanceBy(Ms(5))).Count()),
            Tumbling10, t => t.Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded())));
        h.Pipe("b", "x", 7);
        h.Pipe("a", "x", 8);
        // [0,10) closes at 10, [5,15) at 15
        Assert.Equal(["a[0,10]=1@8", "b[0,10]=1@7"], h.Pipe("z", "x", 10));
        Assert.Equal(["a[5,15]=1@8", "b[5,15]=1@7", "z[5,15]=1@10"], h.Pipe("z", "x", 15));
    }

    [Fact]
    public void UntilWindowCloses_OnASessionTable_DropsRetractedSessions_AndEmitsTheMergedOneOnce()
    {
        using var h = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(10))).Count()),
            WindowedSerdes.SessionWindowed(Serdes.String), t => t.Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded())));
        h.Pipe("k", "a", 0);
        h.Pipe("k", "b", 10);
        // [0,0] and [10,10] merge into [0,10]; their tombstones never leave the buffer
        Assert.Empty(h.Pipe("k", "c", 5));
        // [0,10] is final once no record within grace can reach it: stream time - grace > 10 + gap
        Assert.Empty(h.Pipe("x", "z", 25));
        Assert.Equal(["k[0,10]=3@10"], h.Pipe("x", "z", 26));
    }

    [Fact]
    public void UntilWindowCloses_OnATableThatIsNotWindowed_IsATopologyError()
    {
        var table = new StreamsBuilder().Stream<string, string>("in").GroupByKey().Count();
        var e = Assert.Throws<TopologyException>(() => table.Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded())));
        Assert.Contains("windowed", e.Message);
    }

    [Fact]
    public void UntilTimeLimit_EmitsTheLatestValue_TheLimitAfterTheFirstHeldUpdate()
    {
        var sb = new StreamsBuilder();
        sb.Stream<string, string>("in").GroupByKey().Count()
            .Suppress(Suppressed.UntilTimeLimit(Ms(10), BufferConfig.Unbounded()))
            .MapValues((_, v) => v.ToString()).ToStream().To("out");
        using var d = new Testing.TopologyTestDriver(sb.Build());
        var input = d.CreateInputTopic<string, string>("in");
        var output = d.CreateOutputTopic<string, string>("out");
        input.PipeInput("a", "x", 0);
        input.PipeInput("a", "x", 8);
        Assert.True(output.IsEmpty);
        // 10 after a's first held update (0): its latest count leaves
        input.PipeInput("b", "x", 10);
        Assert.Equal([KeyValue.Pair<string?, string?>("a", "2")], output.ReadKeyValuesToList());
    }

    [Fact]
    public void StrictBoundedBuffer_FailsWhenFull_EmitEarlyBufferEmitsTheOldestKey()
    {
        var sb = new StreamsBuilder();
        sb.Stream<string, string>("in").GroupByKey().Count()
            .Suppress(Suppressed.UntilTimeLimit(Ms(100), BufferConfig.MaxRecordsEmitEarlyWhenFull(1)))
            .MapValues((_, v) => v.ToString()).ToStream().To("out");
        using var d = new Testing.TopologyTestDriver(sb.Build());
        var input = d.CreateInputTopic<string, string>("in");
        input.PipeInput("a", "x", 0);
        input.PipeInput("b", "x", 1);
        Assert.Equal([KeyValue.Pair<string?, string?>("a", "1")], d.CreateOutputTopic<string, string>("out").ReadKeyValuesToList());

        var strict = new StreamsBuilder();
        strict.Stream<string, string>("in").GroupByKey().WindowedBy(TimeWindows.OfSizeWithNoGrace(Ms(10))).Count()
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.ShutDownWhenFull(1)));
        using var d2 = new Testing.TopologyTestDriver(strict.Build());
        var in2 = d2.CreateInputTopic<string, string>("in");
        in2.PipeInput("a", "x", 0);
        Assert.ThrowsAny<StreamsException>(() => in2.PipeInput("b", "x", 1));
    }

    [Fact]
    public void UntilWindowCloses_RejectsABufferThatWouldEmitEarly()
    {
        Assert.Throws<ArgumentException>(() => Suppressed.UntilWindowCloses(BufferConfig.MaxRecordsEmitEarlyWhenFull(5)));
    }

    [Fact]
    public void EmitOnWindowClose_ForwardsEachWindowOnce_WithItsFinalAggregate()
    {
        using var h = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(TimeWindows.OfSizeAndGrace(Ms(10), Ms(2)))
            .EmitStrategy(EmitStrategy.OnWindowClose()).Count()), Tumbling10);
        // nothing before a window closes
        Assert.Empty(h.Pipe("a", "x", 1));
        Assert.Empty(h.Pipe("a", "x", 4));
        Assert.Empty(h.Pipe("b", "x", 11));
        // stream time 12: [0,10) closed (10 <= 12 - 2)
        Assert.Equal(["a[0,10]=2@4"], h.Pipe("b", "x", 12));
        // a late record for the closed window changes nothing and is dropped
        Assert.Empty(h.Pipe("a", "x", 3));
        Assert.Equal(1, h.Dropped("expired-window"));
        Assert.Equal(["b[10,20]=2@12"], h.Pipe("c", "x", 30));
    }

    [Fact]
    public void EmitOnWindowClose_ForSessions_EmitsOnlySurvivingMergedSessions()
    {
        using var h = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(Ms(5)))
            .EmitStrategy(EmitStrategy.OnWindowClose()).Count()), WindowedSerdes.SessionWindowed(Serdes.String));
        h.Pipe("k", "a", 0);
        Assert.Empty(h.Pipe("k", "b", 3));
        // [0,3] is final once a record that is not late cannot merge with it: 3 + gap < stream time
        Assert.Empty(h.Pipe("x", "z", 8));
        Assert.Equal(["k[0,3]=2@3"], h.Pipe("x", "z", 9));
    }

    [Fact]
    public void EmitOnWindowClose_ForSlidingWindows_MatchesSuppressedFinalResults()
    {
        var serde = WindowedSerdes.TimeWindowed(Serdes.String, Ms(10));
        var windows = SlidingWindows.OfTimeDifferenceAndGrace(Ms(10), Ms(5));
        using var emit = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(windows).EmitStrategy(EmitStrategy.OnWindowClose()).Count()), serde);
        using var suppress = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(windows).Count()), serde,
            t => t.Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded())));
        long[] times = [10, 15, 12, 40, 33, 80];
        var a = times.SelectMany(t => emit.Pipe("k", "v", t)).ToList();
        var b = times.SelectMany(t => suppress.Pipe("k", "v", t)).ToList();
        Assert.NotEmpty(a);
        Assert.Equal(b, a);
    }
}
