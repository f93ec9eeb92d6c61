using Braid.Internal;
using Braid.Internal.Runtime;

namespace Braid.Embedded.Tests;

public class PartitionGroupTests
{
    private static List<RawRecord> Records(string topic, params long[] timestamps) =>
        timestamps.Select((ts, i) => new RawRecord(topic, 0, i, null, null, ts, null)).ToList();

    [Fact]
    public void LowestTimestampHeadGoesFirst_OrderKeptWithinAPartition()
    {
        var g = new PartitionGroup([("a", 0), ("b", 0)], 0);
        g.Add(0, Records("a", 5, 1, 9));
        g.Add(1, Records("b", 3, 4));
        var order = new List<(string, long)>();
        while (g.TryNext(0, _ => true, out _, out var r)) order.Add((r.Topic, r.Timestamp));
        Assert.Equal([("b", 3L), ("b", 4L), ("a", 5L), ("a", 1L), ("a", 9L)], order);
    }

    [Fact]
    public void EmptyInputNotCaughtUp_BlocksUntilFetched()
    {
        var g = new PartitionGroup([("a", 0), ("b", 0)], 0);
        g.Add(0, Records("a", 5));
        Assert.False(g.TryNext(0, i => i == 0, out _, out _));
        Assert.True(g.TryNext(0, _ => true, out int input, out _));
        Assert.Equal(0, input);
    }

    [Fact]
    public void MaxTaskIdle_WaitsForAnEmptyInput_ThenProcessesTheOthers()
    {
        var g = new PartitionGroup([("a", 0), ("b", 0)], 100);
        g.Add(0, Records("a", 5, 6));
        Assert.False(g.TryNext(1000, _ => true, out _, out _));
        Assert.False(g.TryNext(1099, _ => true, out _, out _));
        Assert.True(g.TryNext(1100, _ => true, out _, out var r));
        Assert.Equal(5, r.Timestamp);
    }
}

public class PartitionGroupEveryTimestampTests
{
    private static List<RawRecord> Records(string topic, params long[] timestamps) =>
        timestamps.Select((ts, i) => new RawRecord(topic, 0, i, null, null, ts, null)).ToList();

    [Fact]
    public void AHeadAtLongMaxValue_IsChosen_AfterLowerHeads_AndDoesNotStallItsPartition()
    {
        var g = new PartitionGroup([("a", 0), ("b", 0)], 0);
        g.Add(0, Records("a", long.MaxValue, 3));
        g.Add(1, Records("b", 5));
        var order = new List<(string, long)>();
        while (g.TryNext(0, _ => true, out _, out var r)) order.Add((r.Topic, r.Timestamp));
        Assert.Equal([("b", 5L), ("a", long.MaxValue), ("a", 3L)], order);
    }

    [Fact]
    public void OnlyLongMaxValueHeads_AreStillProcessed_TiesGoToTheFirstInput()
    {
        var g = new PartitionGroup([("a", 0), ("b", 0)], 0);
        g.Add(0, Records("a", long.MaxValue));
        g.Add(1, Records("b", long.MaxValue));
        Assert.True(g.TryNext(0, _ => true, out int first, out _));
        Assert.True(g.TryNext(0, _ => true, out int second, out _));
        Assert.Equal((0, 1), (first, second));
        Assert.Equal(0, g.TotalBuffered);
    }

    [Fact]
    public void IdleDeadline_IsPerInput_AndStartsWhenThatInputIsFirstSeenEmpty()
    {
        // Kafka's PartitionGroup.readyToProcess keeps one deadline per partition (putIfAbsent, cleared on data).
        var g = new PartitionGroup([("a", 0), ("b", 0), ("c", 0)], 100);
        g.Add(0, Records("a", 1, 2, 3, 4));
        g.Add(1, Records("b", 1));
        g.Add(2, Records("c", 1, 2, 3));
        Assert.True(g.TryNext(0, _ => true, out _, out _));    // a@1
        Assert.True(g.TryNext(0, _ => true, out _, out _));    // b@1: b is now empty
        Assert.False(g.TryNext(50, _ => true, out _, out _));  // b's deadline is 150
        Assert.True(g.TryNext(150, _ => true, out _, out _));  // past it
        g.Add(1, Records("b", 9));                              // b has data again: its deadline is cleared
        while (g.BufferedCount(2) > 0) Assert.True(g.TryNext(150, _ => true, out _, out _));
        // c is first seen empty at 200: it waits until 300, whatever b's deadline was.
        Assert.False(g.TryNext(200, _ => true, out _, out _));
        Assert.False(g.TryNext(299, _ => true, out _, out _));
        Assert.True(g.TryNext(300, _ => true, out _, out _));
    }
}
