namespace Braid.Tests.Windowed;

/// <summary>Window definitions validate their arguments with typed errors, as Kafka's do.</summary>
public sealed class WindowDefinitionTests
{
    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void TimeWindows_RejectNonPositiveSize_NegativeGrace_AndAdvanceBeyondSize()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeWindows.OfSizeWithNoGrace(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeWindows.OfSizeAndGrace(Ms(10), Ms(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeWindows.OfSizeWithNoGrace(Ms(10)).AdvanceBy(Ms(11)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeWindows.OfSizeWithNoGrace(Ms(10)).AdvanceBy(TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => TimeWindows.OfSizeWithNoGrace(TimeSpan.FromTicks(15_000)));
    }

    [Fact]
    public void TimeWindows_HoppingIsTumblingWhenAdvanceEqualsSize()
    {
        var w = TimeWindows.OfSizeAndGrace(Ms(10), Ms(3)).AdvanceBy(Ms(10));
        Assert.Equal((10L, 10L, 3L), (w.SizeMs, w.AdvanceMs, w.GraceMs));
        Assert.Equal([0L, 5L], TimeWindows.OfSizeWithNoGrace(Ms(10)).AdvanceBy(Ms(5)).WindowStartsFor(9));
    }

    [Fact]
    public void SlidingAndSessionWindows_RejectNonPositiveLengths_AndNegativeGrace()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.OfTimeDifferenceWithNoGrace(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindows.OfTimeDifferenceAndGrace(Ms(5), Ms(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionWindows.OfInactivityGapWithNoGrace(Ms(-5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(-1)));
        Assert.Equal(5, SessionWindows.OfInactivityGapAndGrace(Ms(5), Ms(2)).InactivityGapMs);
    }

    [Fact]
    public void BufferConfig_RejectsANonPositiveBound()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BufferConfig.ShutDownWhenFull(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Suppressed.UntilTimeLimit(Ms(-1), BufferConfig.Unbounded()));
    }
}
