using Braid.Internal;
using Braid.Internal.State;
using Braid.Internal.Windowed;
using Braid.Serialization;

namespace Braid.Tests.Windowed;

/// <summary>The suppression buffer: eviction order, first-update buffer time, restart from its store, persisted layout.</summary>
public sealed class TimeOrderedBufferTests
{
    private static InMemoryKeyValueStore<byte[], BufferEntry<string, string>> Store() => new("buffer", Serdes.ByteArray);

    [Fact]
    public void Evicts_InBufferTimeThenKeyOrder_AndKeepsTheFirstBufferTimeOfAKey()
    {
        var store = Store();
        var buffer = new TimeOrderedBuffer<string, string>(store, Serdes.String);
        buffer.Put("b", 5, Change.FromNullable("b1", null), 5);
        buffer.Put("a", 5, Change.FromNullable("a1", null), 5);
        buffer.Put("c", 3, Change.FromNullable("c1", null), 3);
        // c again, later: keeps buffer time 3, takes the new value and prior stays absent
        buffer.Put("c", 9, Change.FromNullable("c2", "c1"), 9);
        Assert.Equal(["c=c2@9", "a=a1@5", "b=b1@5"], buffer.EvictUpTo(5).Select(e => $"{e.Key}={e.Value}@{e.Timestamp}"));
        Assert.Equal(0, buffer.Count);

        // a buffer rebuilt from the same store finds held keys again
        buffer.Put("d", 7, Change.FromNullable("d1", "d0"), 7);
        var restarted = new TimeOrderedBuffer<string, string>(store, Serdes.String);
        restarted.Put("d", 100, Change.FromNullable("d2", "d1"), 8);
        var d = Assert.Single(restarted.EvictUpTo(7));
        Assert.Equal(("d2", "d0", 8L), (d.Value, d.Prior, d.Timestamp));
    }

    [Fact]
    public void EntrySerde_RoundTripsAbsenceAndHeaders()
    {
        var serde = new BufferEntrySerde<string, string>(Serdes.String, Serdes.String);
        var headers = new Headers().Add("h", [1, 2]).Add("empty", null);
        var entry = new BufferEntry<string, string>("k", null, false, "old", true, 42, 50, headers);
        var back = serde.Deserialize(serde.Serialize(entry));
        Assert.Equal(("k", false, "old", true, 42L, 50L), (back.Key, back.HasValue, back.Prior, back.HasPrior, back.Timestamp, back.BufferTime));
        Assert.Equal([("h", "1,2"), ("empty", "null")], back.Headers!.Select(h => (h.Key, h.Value is null ? "null" : string.Join(",", h.Value))));
    }
}
