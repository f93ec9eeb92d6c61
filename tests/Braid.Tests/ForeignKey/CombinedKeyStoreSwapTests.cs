using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The in-memory index store's put-and-get-old (one search for a many-to-many join's read of a row's old entry and
/// write of its new one) and its search's last-entry-first check (primaries that grow with time, as tweet ids do,
/// are appended with one compare), against a from-scratch model keyed by the combined key's bytes. Primaries are
/// 64-bit ids drawn mostly above everything held (appends), sometimes anywhere (inserts, replacements), sometimes
/// negative (their big-endian bytes sort after every non-negative id). On failure CsCheck prints the seed.
/// </summary>
public sealed class CombinedKeyStoreSwapTests
{
    private static readonly string[] Prefixes = ["u1", "u10", "é", ""];
    private static readonly CombinedKeySerde<string, long> Serde = new(Serdes.String, Serdes.Int64);

    // kind 0–3: put-and-get-old of the next id (an append), 4–5: put-and-get-old of an id already drawn or near one,
    // 6: plain put, 7: delete, 8: get, 9: scan the prefix.
    [Fact]
    public void PutAndGetOld_ReturnsTheReplacedValue_AndEveryReadIsTheModels_ForGrowingAndScatteredIds()
    {
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, Prefixes.Length - 1], Gen.Int[-3, 40]).Array[1, 200].Sample(ops =>
        {
            var store = InMemoryStoreFactory.Instance.CreateKeyValueStore(new KeyValueStoreBuilder<CombinedKey<string, long>, int>("s", Serde, Serdes.Int32));
            var swap = Assert.IsAssignableFrom<IPutAndGetOld<CombinedKey<string, long>, int>>(store);
            var model = new SortedDictionary<byte[], (CombinedKey<string, long> Key, int Value)>(ByteArrayComparer.Instance);
            var output = new List<KeyValue<CombinedKey<string, long>, int>>();
            long next = 0;
            int step = 0;
            foreach (var (kind, f, pick) in ops)
            {
                step++;
                long id = kind <= 3 ? next++ : pick < 0 ? pick : Math.Min(pick, next);
                var key = new CombinedKey<string, long>(Prefixes[f], id);
                var bytes = Serde.Serialize(key);
                if (kind <= 5)
                {
                    bool had = model.TryGetValue(bytes, out var before);
                    Assert.Equal(had, swap.PutAndGetOld(key, step, out int old));
                    if (had) Assert.Equal(before.Value, old);
                    model[bytes] = (key, step);
                }
                else if (kind == 6)
                {
                    store.Put(key, step);
                    model[bytes] = (key, step);
                }
                else if (kind == 7) Assert.Equal(model.Remove(bytes), store.Delete(key));
                else if (kind == 8)
                {
                    Assert.Equal(model.TryGetValue(bytes, out var m), store.TryGet(key, out int v));
                    if (model.ContainsKey(bytes)) Assert.Equal(m.Value, v);
                }
                else
                {
                    IPrefixScanInto<CombinedKey<string, long>, int>.ScanInto(store, Serde.PrefixSerde.Serialize(Prefixes[f]), output);
                    Assert.Equal(model.Values.Where(e => e.Key.Prefix == Prefixes[f]).Select(e => (e.Key.Primary, e.Value)),
                        output.Select(e => (e.Key.Primary, e.Value)));
                }
                Assert.Equal(model.Count, store.ApproximateCount);
            }
            Assert.Equal(model.Values.Select(e => (e.Key.Prefix, e.Key.Primary, e.Value)), store.All().Select(e => (e.Key.Prefix, e.Key.Primary, e.Value)));
        }, iter: 400);
    }

    [Fact]
    public void AnIdAboveAllHeld_IsAppended_AndOneBelowTheLast_GoesBeforeIt()
    {
        var store = new CombinedKeyStore<string, long, string>("s", Serdes.String, Serdes.Int64);
        foreach (long id in new long[] { 1, 2, 5 }) Assert.False(store.PutAndGetOld(new("u", id), "v" + id, out _));
        Assert.False(store.PutAndGetOld(new("u", 4), "v4", out _)); // just below the last entry
        Assert.True(store.PutAndGetOld(new("u", 5), "v5'", out var old)); // the last entry itself
        Assert.Equal("v5", old);
        Assert.False(store.PutAndGetOld(new("u", 6), "v6", out _)); // above it
        Assert.Equal(["v1", "v2", "v4", "v5'", "v6"], store.All().Select(e => e.Value));
    }
}
