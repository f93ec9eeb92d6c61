using Braid.Internal.State;
using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.State;

/// <summary>
/// <see cref="InMemoryKeyValueStore{TKey,TValue}.PutAndGetOld"/> (a table source's one-lookup read-old-then-write)
/// against a dictionary model: the value it returns is the one replaced, and the ordered index behind range scans,
/// once built, still holds every key exactly once. On failure CsCheck prints the seed; replay with
/// <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class PutAndGetOldTests
{
    [Fact]
    public void PutAndGetOld_ReturnsTheReplacedValue_AndKeepsTheOrderedIndex()
    {
        // kind 0–4: PutAndGetOld, 5: Put, 6–7: Delete, 8: TryGet, 9: All() (builds the ordered index on first use).
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 12], Gen.Int[0, 99]).Array[1, 200].Sample(ops =>
        {
            var store = new InMemoryKeyValueStore<string, int>("s", Serdes.String);
            var model = new Dictionary<string, int>();
            foreach (var (kind, k, v) in ops)
            {
                string key = "k" + k;
                if (kind <= 4)
                {
                    bool had = model.TryGetValue(key, out var expectedOld);
                    Assert.Equal(had, store.PutAndGetOld(key, v, out var old));
                    if (had) Assert.Equal(expectedOld, old);
                    model[key] = v;
                }
                else if (kind == 5) { store.Put(key, v); model[key] = v; }
                else if (kind <= 7) Assert.Equal(model.Remove(key), store.Delete(key));
                else if (kind == 8) Assert.Equal(model.TryGetValue(key, out var m) ? (true, m) : (false, 0), store.TryGet(key, out var got) ? (true, got) : (false, 0));
                else AssertAll(store, model);
            }
            AssertAll(store, model);
        }, iter: 300);
    }

    private static void AssertAll(InMemoryKeyValueStore<string, int> store, Dictionary<string, int> model) =>
        Assert.Equal(model.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)),
            store.All().Select(kv => (kv.Key, kv.Value)));
}
