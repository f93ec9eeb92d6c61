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
