using Braid.Serialization;

namespace Braid.Tests.Windowed;

/// <summary>Sliding window aggregations (KIP-450, Kafka's KStreamSlidingWindowAggregate). Windows are [start,end], both inclusive.</summary>
public sealed class SlidingWindowedAggregationTests
{
    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    private static WindowHarness Counting(SlidingWindows windows) =>
        new(g => WindowHarness.AsText(g.WindowedBy(windows).Count()), WindowedSerdes.TimeWindowed(Serdes.String, Ms(windows.TimeDifferenceMs)));

    [Fact]
    public void Sliding_InOrderRecords_CreateLeftWindowsAndThePreviousRecordsRightWindow()
    {
        using var h = Counting(SlidingWindows.OfTimeDifferenceWithNoGrace(Ms(10)));
        // windows: {} — a record at 10 has the left window [0,10]
        Assert.Equal(["k[0,10]=1@10"], h.Pipe("k", "a", 10));
        // {[0,10]=1} — 15: left window [5,15] seeded with a (10 >= 15 - 10), and a's right window [11,21] now holds b
        Assert.Equal(["k[11,21]=1@15", "k[5,15]=2@15"], h.Pipe("k", "b", 15));
        // {[0,10]=1,[5,15]=2,[11,21]=1} — 30: too far from b, a fresh left window; b's right window would be empty
        Assert.Equal(["k[20,30]=1@30"], h.Pipe("k", "c", 30));
    }

    [Fact]
    public void Sliding_OutOfOrderRecord_CreatesItsWindowsAndUpdatesThoseContainingIt()
    {
        using var h = Counting(SlidingWindows.OfTimeDifferenceAndGrace(Ms(10), Ms(100)));
        h.Pipe("k", "a", 10);
        h.Pipe("k", "b", 15);
        // {[0,10]=1,[5,15]=2,[11,21]=1} — c@12 lies in [5,15] and [11,21]; its left window [2,12] holds a and c;
        // its right window [13,23] holds b
        Assert.Equal(["k[5,15]=3@15", "k[11,21]=2@15", "k[2,12]=2@12", "k[13,23]=1@15"], h.Pipe("k", "c", 12));
    }

    [Fact]
    public void Sliding_EarlyRecords_ShareTheWindowFromZero()
    {
        using var h = Counting(SlidingWindows.OfTimeDifferenceWithNoGrace(Ms(10)));
        Assert.Equal(["k[0,10]=1@3"], h.Pipe("k", "a", 3));
        // 5 is early too: [0,10] counts both, and a's right window [4,14] holds b
        Assert.Equal(["k[4,14]=1@5", "k[0,10]=2@5"], h.Pipe("k", "b", 5));
    }

    [Fact]
    public void Sliding_RecordWhoseWindowsAllClosed_IsDroppedAndHandled()
    {
        var late = new List<LateRecord<string, string>>();
        using var h = new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SlidingWindows.OfTimeDifferenceWithNoGrace(Ms(10)))
            .WithLateRecordHandler(late.Add).Count()), WindowedSerdes.TimeWindowed(Serdes.String, Ms(10)));
        h.Pipe("k", "a", 100);
        // stream time 100: a record at 80 has windows ending at 80 and 91, both closed
        Assert.Empty(h.Pipe("k", "late", 80));
        Assert.Equal(80, Assert.Single(late).Timestamp);
        Assert.Equal(1, h.Dropped("expired-window"));
    }
}
