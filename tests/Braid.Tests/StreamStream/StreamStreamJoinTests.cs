namespace Braid.Tests.StreamStream;

/// <summary>Windowed KStream–KStream joins (Kafka 4.x semantics, KIP-633). Diagrams show state before each step.</summary>
public sealed class StreamStreamJoinTests
{
    private static JoinWindows Window(long diff, long grace) =>
        JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(diff), TimeSpan.FromMilliseconds(grace));

    [Fact]
    public void InnerJoin_JoinsRecordsWithinTheWindow_WithTheLargerTimestamp()
    {
        using var j = new JoinHarness("inner", Window(100, 0));
        // left: []  right: []  streamTime=-
        Assert.Empty(j.Left("k", "A", 0));
        // left: [A@0]  right: []  streamTime=0
        Assert.Equal(["k:A+a@50"], j.Right("k", "a", 50));
        // left: [A@0]  right: [a@50]  streamTime=50
        Assert.Empty(j.Right("k", "b", 101));
        // left: [A@0]  right: [a@50, b@101]  streamTime=101
        Assert.Equal(["k:B+a@120", "k:B+b@120"], j.Left("k", "B", 120));
        // different key: nothing
        Assert.Empty(j.Left("x", "C", 120));
    }

    [Fact]
    public void LeftJoin_EmitsUnmatchedRecord_OnlyWhenStreamTimePassesWindowEndPlusGrace()
    {
        using var j = new JoinHarness("left", Window(100, 10));
        // left: []  right: []  streamTime=-
        Assert.Empty(j.Left("k", "A", 0));
        // left: [A@0 held]  streamTime=0; window [-100, 100], closes after 100 + 10
        Assert.Empty(j.Right("x", "z", 110));
        // streamTime=110: 110 > 110 is false -> still held
        Assert.Equal(["k:A+null@0"], j.Right("x", "z", 111));
        // streamTime=111 > 110 -> released, with its own timestamp, before the trigger's own results
        // A was already emitted as non-joined; a matching right record arriving within grace still joins it (Kafka)
        Assert.Equal(["k:A+late-match@100"], j.Right("k", "late-match", 100));
    }

    [Fact]
    public void LeftJoin_DropsHeldResult_WhenAMatchArrivesWithinGrace()
    {
        using var j = new JoinHarness("left", Window(100, 50));
        Assert.Empty(j.Left("k", "A", 0));
        // left: [A@0 held]  streamTime=0
        Assert.Empty(j.Right("x", "z", 120));
        // streamTime=120: A's window ended (100) but grace runs to 150
        Assert.Equal(["k:A+a@100"], j.Right("k", "a", 100));
        // left: [A@0 joined]  right: [a@100]
        Assert.Empty(j.Right("x", "z", 200));
        // streamTime=200 > 150: nothing to release, A joined
    }

    [Fact]
    public void LeftJoin_AfterAScan_WaitsForTheNewestHeldRecordsWindow_LikeKafkasMinTime()
    {
        // Kafka's scan sets minTime to every entry it visits and a left join never breaks early, so minTime ends at
        // the newest held timestamp: releases come in batches, late but never lost. The benchmark's plain reference
        // models this too, which is why their left-join output counts agree at end of input.
        using var j = new JoinHarness("left", Window(100, 0));
        Assert.Empty(j.Left("a", "A", 0));
        Assert.Empty(j.Left("b", "B", 50));
        Assert.Empty(j.Left("c", "C", 100));
        // held: [A@0, B@50, C@100]  streamTime=100
        Assert.Equal(["a:A+null@0"], j.Right("x", "z", 101));
        // the scan visited B and C, so minTime = 100; B's window closed at 150, but 100 + 100 >= 151: no scan
        Assert.Empty(j.Right("x", "z", 151));
        Assert.Equal(["b:B+null@50", "c:C+null@100"], j.Right("x", "z", 201));
    }

    [Fact]
    public void LeftJoin_ForwardsUnmatchedRecordAtOnce_WhenItsWindowEndedBeforeItArrived()
    {
        using var j = new JoinHarness("left", Window(10, 100));
        Assert.Empty(j.Right("x", "z", 50));
        // streamTime=50; A@30 window ends at 40 < 50, within grace -> no match, forwarded at once
        Assert.Equal(["k:A+null@30"], j.Left("k", "A", 30));
    }

    [Fact]
    public void OuterJoin_ReleasesHeldResults_InTimestampThenRightBeforeLeftThenKeyOrder()
    {
        using var j = new JoinHarness("outer", Window(100, 10));
        Assert.Empty(j.Left("b", "L1", 0));
        Assert.Empty(j.Right("c", "r1", 0));
        Assert.Empty(j.Left("a", "L2", 0));
        Assert.Empty(j.Right("d", "r2", 5));
        // held: [L1(b)@0, r1(c)@0, L2(a)@0, r2(d)@5]  streamTime=5
        // trigger @200 releases everything: ts 0 right side first, then ts 0 left side by key, then ts 5
        var output = j.Left("m", "T", 200);
        Assert.Equal(["c:null+r1@0", "a:L2+null@0", "b:L1+null@0", "d:null+r2@5"], output);
    }

    [Fact]
    public void OuterJoin_EmitsHeldResultsBeforeTheTriggeringRecordsJoinResults()
    {
        using var j = new JoinHarness("outer", Window(100, 0));
        Assert.Empty(j.Left("k", "A", 0));
        Assert.Empty(j.Right("m", "b", 50));
        // held: [A@0 closes after 100, b@50 closes after 150]  streamTime=50
        Assert.Equal(["k:A+null@0", "m:B+b@101"], j.Left("m", "B", 101));
        // held: []  (b joined B)
        Assert.Empty(j.Left("z", "Z", 300));
    }

    [Fact]
    public void AsymmetricWindow_UsesAfterForLeftRecordsAndBeforeForRightRecords()
    {
        // before 5, after 20, no grace (ut-stream-stream-outer-asymmetric)
        var w = JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(5)).After(TimeSpan.FromMilliseconds(20));
        using var j = new JoinHarness("outer", w);
        Assert.Empty(j.Left("a", "A", 30));
        Assert.Empty(j.Right("b", "r", 31));
        // held: [A@30 closes after 50, r@31 closes after 36]
        Assert.Equal(["b:null+r@31"], j.Right("c", "s", 37));
        // held: [A@30 closes after 50, s@37 closes after 42]  streamTime=50: A needs > 50
        Assert.Equal(["c:null+s@37"], j.Right("d", "t", 50));
        Assert.Equal(["a:A+null@30"], j.Right("e", "u", 51));
        // held: [t@50, u@51]
        Assert.Equal(["d:null+t@50", "e:null+u@51"], j.Left("k", "L", 100));
        // a right record joins left records in [ts - after, ts + before]
        Assert.Equal(["k:L+x@100"], j.Right("k", "x", 95));
    }

    [Fact]
    public void NullValues_AreDroppedAndCounted_ButAdvanceSharedStreamTime()
    {
        using var j = new JoinHarness("left", Window(10, 0));
        Assert.Empty(j.Left("k", "A", 0));
        // left: [A@0 held]  streamTime=0
        Assert.Empty(j.Right("k", null, 100));
        // streamTime=100 (null value dropped, but time advanced); no release (null value triggers nothing)
        Assert.Equal(1, j.Dropped("null-value"));
        // a record with ts < streamTime does not release either
        Assert.Equal(["x:B+null@50"], j.Left("x", "B", 50));
        // a record with ts == streamTime releases A; C itself is held
        Assert.Equal(["k:A+null@0"], j.Left("y", "C", 100));
    }

    [Fact]
    public void NullKeys_InnerDrops_LeftAndOuterForwardAtOnce()
    {
        using (var inner = new JoinHarness("inner", Window(10, 0)))
        {
            Assert.Empty(inner.Left(null, "A", 0));
            Assert.Equal(1, inner.Dropped("null-key"));
        }
        using (var left = new JoinHarness("left", Window(10, 0)))
        {
            Assert.Equal(["null:A+null@0"], left.Left(null, "A", 0));
            Assert.Empty(left.Right(null, "a", 0));
            Assert.Equal(1, left.Dropped("null-key"));
        }
        using var outer = new JoinHarness("outer", Window(10, 0));
        Assert.Equal(["null:null+a@3"], outer.Right(null, "a", 3));
    }

    [Fact]
    public void RecordOutsideRetention_StillJoinsBufferedRecords_ButIsCountedLateAndNotBuffered()
    {
        // retention = 10 + 10 + 0 = 20
        using var j = new JoinHarness("inner", Window(10, 0));
        Assert.Empty(j.Right("k", "a", 100));
        Assert.Empty(j.Left("k", "now", 200));
        // left store time 200: a left record @150 is out of left retention (150 < 180)
        Assert.Empty(j.Left("k", "B", 150));
        Assert.Equal(1, j.Dropped("late"));
        // ...so a right record @150 cannot find it
        Assert.Empty(j.Right("k", "b", 150));
    }

    [Fact]
    public void EmitInterval_ThrottlesReleaseByWallClock()
    {
        var config = new StreamsConfig { OuterJoinEmitInterval = TimeSpan.FromSeconds(1) };
        using var j = new JoinHarness("left", Window(10, 0), config: config);
        Assert.Empty(j.Left("a", "A", 0));
        Assert.Equal(["a:A+null@0"], j.Right("x", "z", 20));
        // next release allowed at wall clock 1000
        Assert.Empty(j.Left("b", "B", 30));
        Assert.Empty(j.Right("x", "z", 50));
        j.Driver.AdvanceWallClockTime(TimeSpan.FromSeconds(1));
        Assert.Equal(["b:B+null@30"], j.Right("x", "z", 60));
    }

    [Fact]
    public void JoinWindows_RejectsBadArguments_WithClearMessages()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(-1)));
        Assert.Contains("time difference must not be negative", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.FromMilliseconds(-1)));
        var w = JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(10));
        Assert.Equal(-5, w.Before(TimeSpan.FromMilliseconds(-5)).BeforeMs);
        var size = Assert.Throws<ArgumentException>(() => w.Before(TimeSpan.FromMilliseconds(-11)));
        Assert.Contains("must not be negative", size.Message, StringComparison.Ordinal);
        Assert.Equal((10L, 20L, 0L), (w.After(TimeSpan.FromMilliseconds(20)).BeforeMs, w.After(TimeSpan.FromMilliseconds(20)).AfterMs, w.GraceMs));
    }

    [Fact]
    public void OuterJoin_RefusesValueTypesThatCannotBeNull()
    {
        var b = new StreamsBuilder();
        var s = b.Stream<string, int>("a");
        var t = b.Stream<string, int>("b");
        Assert.Throws<TopologyException>(() => s.OuterJoin(t, (x, y) => x + y, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.Zero)));
    }
}
