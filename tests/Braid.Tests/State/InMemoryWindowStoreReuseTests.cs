using Braid.Internal.State;

namespace Braid.Tests.State;

/// <summary>
/// The in-memory window store hands the key map of a dropped segment to the next new segment (issue 19: growing a
/// new map from empty per segment was an eighth of a stream–stream join's allocation). The reused map must start
/// empty, and it must actually be reused.
/// </summary>
public class InMemoryWindowStoreReuseTests
{
    private static List<(long, string)> Fetch(InMemoryWindowStore<string, string> s, string key)
    {
        var found = new List<Braid.State.TimestampedValue<string>>();
        s.Fetch(key, 0, 300, found);
        return found.Select(v => (v.Timestamp, v.Value)).ToList();
    }

    [Fact]
    public void NewSegment_AfterADrop_StartsEmpty_AndFetchSeesOnlyNewValues()
    {
        // Retention 100: segments of 50 ms. Segment 0 holds 200 keys; a put at 200 drops it and opens segment 4.
        var s = new InMemoryWindowStore<string, string>("w", 100, retainDuplicates: true);
        for (int k = 0; k < 200; k++) s.Put("k" + k, "old" + k, k % 50);
        Assert.Equal(200, s.KeyCount);
        s.Put("k0", "new", 200);
        Assert.Equal(1, s.SegmentCount);
        // Only the new key is in the store: a map handed over with the old segment's keys would count 200, and a
        // reused value list still holding k0's old value would count 2 values (Fetch hides expired values, so only
        // the counts show it).
        Assert.Equal(1, s.KeyCount);
        Assert.Equal(1, s.ValueCount);
        Assert.Equal([(200L, "new")], Fetch(s, "k0"));
        Assert.Empty(Fetch(s, "k1"));
        // The old values do not come back through later puts of the same keys either.
        s.Put("k1", "new1", 210);
        Assert.Equal([(210L, "new1")], Fetch(s, "k1"));
        Assert.Equal(2, s.KeyCount);
        Assert.Equal(2, s.ValueCount);
    }

    [Fact]
    public void NewSegment_AfterADrop_ReusesTheDroppedSegmentsMap()
    {
        var s = new InMemoryWindowStore<string, string>("w", 100, retainDuplicates: true);
        for (int k = 0; k < 1000; k++) s.Put("k" + k, "v", 10);
        s.Put("x", "v", 200); // drops segment 0, opens segment 4 with one key
        // The new segment's map already has room for the dropped segment's 1,000 keys (a new map would have room for 3).
        Assert.True(s.NewestSegmentCapacity >= 1000, $"capacity {s.NewestSegmentCapacity}");
    }
}
