using Braid.Internal.State;
using Braid.State;

namespace Braid.Tests.StreamStream;

/// <summary>
/// The behaviour every <see cref="IWindowStore{TKey,TValue}"/> must have. A new implementation (RocksDB)
/// derives from this class and supplies <see cref="Create"/>.
/// </summary>
public abstract class WindowStoreContractTests
{
    /// <summary>Creates an empty store with the given retention.</summary>
    protected abstract IWindowStore<string, string> Create(long retentionMs, bool retainDuplicates);

    private static List<(long, string)> Fetch(IWindowStore<string, string> s, string key, long from, long to) =>
        s.Fetch(key, from, to).Select(v => (v.Timestamp, v.Value)).ToList();

    [Fact]
    public void Fetch_ReturnsValuesOfTheKeyInTimestampOrder_BoundsInclusive()
    {
        var s = Create(1000, retainDuplicates: true);
        s.Put("k", "c", 30);
        s.Put("k", "a", 10);
        s.Put("other", "x", 20);
        s.Put("k", "b", 20);
        Assert.Equal([(10L, "a"), (20L, "b"), (30L, "c")], Fetch(s, "k", 10, 30));
        Assert.Equal([(20L, "b")], Fetch(s, "k", 11, 29));
        Assert.Empty(Fetch(s, "missing", 0, 100));
    }

    [Fact]
    public void Put_KeepsDuplicatesInPutOrder_WhenRetainingDuplicates()
    {
        var s = Create(1000, retainDuplicates: true);
        s.Put("k", "first", 5);
        s.Put("k", "second", 5);
        Assert.Equal([(5L, "first"), (5L, "second")], Fetch(s, "k", 0, 10));
    }

    [Fact]
    public void Put_ReplacesTheValueAtTheSameTimestamp_WithoutDuplicates()
    {
        var s = Create(1000, retainDuplicates: false);
        s.Put("k", "first", 5);
        s.Put("k", "second", 5);
        Assert.Equal([(5L, "second")], Fetch(s, "k", 0, 10));
    }

    [Fact]
    public void Values_ExpireOnceStreamTimePassesTimestampPlusRetention()
    {
        var s = Create(100, retainDuplicates: true);
        s.Put("k", "old", 0);
        s.Put("k", "edge", 100);   // stream time 100: 0 >= 100 - 100, still live
        Assert.Equal([(0L, "old"), (100L, "edge")], Fetch(s, "k", 0, 200));
        s.Put("k", "new", 101);    // stream time 101: 0 < 1, expired
        Assert.Equal([(100L, "edge"), (101L, "new")], Fetch(s, "k", 0, 200));
        Assert.Equal(101, s.ObservedStreamTime);
    }

    [Fact]
    public void Put_RefusesAValueAlreadyOutOfRetention()
    {
        var s = Create(100, retainDuplicates: true);
        s.Put("k", "now", 500);
        Assert.False(s.Put("k", "late", 399));
        Assert.True(s.Put("k", "in-time", 400));
        Assert.Equal([(400L, "in-time"), (500L, "now")], Fetch(s, "k", 0, 1000));
    }

    [Fact]
    public void FetchIntoList_AppendsWithoutClearing()
    {
        var s = Create(1000, retainDuplicates: true);
        s.Put("k", "a", 1);
        var list = new List<TimestampedValue<string>> { new(0, "already there") };
        Assert.Equal(1, s.Fetch("k", 0, 10, list));
        Assert.Equal(2, list.Count);
    }

    [Fact]
    public void Fetch_IsASnapshot_SoTheCallerMayWriteWhileEnumerating()
    {
        var s = Create(1000, retainDuplicates: true);
        s.Put("k", "a", 1);
        foreach (var v in s.Fetch("k", 0, 10)) s.Put("k", v.Value + "'", 2);
        Assert.Equal([(1L, "a"), (2L, "a'")], Fetch(s, "k", 0, 10));
    }

    [Fact]
    public void NullKeysAndValues_AreRefused()
    {
        var s = Create(1000, retainDuplicates: true);
        Assert.Throws<ArgumentNullException>(() => s.Put(null!, "v", 1));
        Assert.Throws<ArgumentNullException>(() => s.Put("k", null!, 1));
    }
}

/// <summary>The contract, run against the in-memory store, plus its segment dropping.</summary>
public sealed class InMemoryWindowStoreTests : WindowStoreContractTests
{
    protected override IWindowStore<string, string> Create(long retentionMs, bool retainDuplicates) =>
        new InMemoryWindowStore<string, string>("w", retentionMs, retainDuplicates);

    [Fact]
    public void ExpiredSegments_AreDroppedAsStreamTimeAdvances()
    {
        // retention 100 -> segments of 50 ms.
        var s = new InMemoryWindowStore<string, string>("w", 100, true);
        for (long t = 0; t < 1000; t += 10) s.Put("k", "v", t);
        // Live: timestamps >= 990 - 100 = 890, i.e. segments 17 (850..899), 18, 19.
        Assert.Equal(3, s.SegmentCount);
        Assert.Equal(11, ((IWindowStore<string, string>)s).Fetch("k", 0, 2000).Count()); // 890..990
    }
}
