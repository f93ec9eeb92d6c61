namespace Braid.Tests.StreamStream;

/// <summary>stream.Join(stream): Kafka's optimized self-join (one store, every ordered pair once).</summary>
public sealed class StreamStreamSelfJoinTests
{
    [Fact]
    public void SelfJoin_EmitsEveryOrderedPairOnce_IncludingEachRecordWithItself()
    {
        using var j = new JoinHarness("inner", JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(10)), self: true);
        // store: []
        Assert.Equal(["k:A+A@1"], j.Left("k", "A", 1));
        // store: [A@1]
        Assert.Equal(["k:B+A@5", "k:A+B@5", "k:B+B@5"], j.Left("k", "B", 5));
        // store: [A@1, B@5]; C@3 is out of order: (C,A) (C,B) first, then (A,C), C with itself before the first larger pair
        Assert.Equal(["k:C+A@3", "k:C+B@5", "k:A+C@3", "k:C+C@3", "k:B+C@5"], j.Left("k", "C", 3));
        // store: [A@1, C@3, B@5]; D@20 is outside A's and C's window
        Assert.Equal(["k:D+D@20"], j.Left("k", "D", 20));
    }

    [Fact]
    public void SelfJoin_DropsNullKeysAndValues()
    {
        using var j = new JoinHarness("inner", JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(10)), self: true);
        Assert.Empty(j.Left(null, "A", 1));
        Assert.Empty(j.Left("k", null, 1));
        Assert.Equal(1, j.Dropped("null-key"));
        Assert.Equal(1, j.Dropped("null-value"));
    }

    [Fact]
    public void SelfLeftJoin_UsesTwoSidesAndNeverEmitsANonJoinedResult()
    {
        using var j = new JoinHarness("left", JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(10)), self: true);
        Assert.Equal(["k:A+A@1"], j.Left("k", "A", 1));
        Assert.Equal(["k:B+A@5", "k:A+B@5", "k:B+B@5"], j.Left("k", "B", 5));
        // stream time passes every window: nothing was held, because each record joined itself
        Assert.Equal(["x:far+far@100"], j.Left("x", "far", 100));
    }
}
