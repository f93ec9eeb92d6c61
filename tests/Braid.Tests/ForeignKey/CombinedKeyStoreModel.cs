using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The model run shared by the two in-memory combined-key stores' tests (<see cref="CombinedKeyStoreTests"/>,
/// <see cref="StringCombinedKeyStoreTests"/>): random puts, deletes, gets and scans against a from-scratch model keyed by
/// the combined key's UTF-8 bytes, as RocksDB keys it — point reads, counts, and every scan in byte order. Scans include a
/// whole-group prefix whose bytes are not UTF-8 (no string has them) and, for a store that has it, the group scan by key
/// (<see cref="IGroupScan{TPrefix,TPrimary,TValue}"/>). On failure CsCheck prints the seed; replay with
/// <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
internal static class CombinedKeyStoreModel
{
    // kind 0–4: put, 5–6: delete, 7: get, 8: scan a group as the joins do, 9: another scan (All, Range, a partial prefix,
    // a group prefix of bytes that are not UTF-8).
    public static void EveryReadIsTheModels(CombinedKeySerde<string, string> serde, string[] prefixes, string[] primaries,
        Type storeType, CombinedKey<string, string> lo, CombinedKey<string, string> hi)
    {
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, prefixes.Length - 1], Gen.Int[0, primaries.Length - 1], Gen.Int[0, 4]).Array[1, 150].Sample(ops =>
        {
            var store = InMemoryStoreFactory.Instance.CreateKeyValueStore(new KeyValueStoreBuilder<CombinedKey<string, string>, int>("s", serde, Serdes.Int32));
            Assert.IsType(storeType, store);
            var model = new SortedDictionary<byte[], (CombinedKey<string, string> Key, int Value)>(ByteArrayComparer.Instance);
            var output = new List<KeyValue<CombinedKey<string, string>, int>>();
            int step = 0;
            foreach (var (kind, f, p, other) in ops)
            {
                var key = new CombinedKey<string, string>(prefixes[f], primaries[p]);
                var bytes = serde.Serialize(key);
                step++;
                if (kind <= 4)
                {
                    store.Put(key, step);
                    model[bytes] = (key, step);
                }
                else if (kind <= 6) Assert.Equal(model.Remove(bytes), store.Delete(key));
                else if (kind == 7)
                {
                    Assert.Equal(model.TryGetValue(bytes, out var m), store.TryGet(key, out int v));
                    if (model.ContainsKey(bytes)) Assert.Equal(m.Value, v);
                }
                else
                {
                    byte[] prefix = kind == 8 || other == 0 ? serde.PrefixSerde.Serialize(prefixes[f])
                        : other == 1 ? bytes[..Math.Min(3, bytes.Length)] // inside the length field
                        : other == 2 ? bytes[..^Math.Min(1, bytes.Length - 4)] // into the primary
                        : other == 3 ? []
                        : [0, 0, 0, 2, (byte)'x', 0xFF]; // not UTF-8: would decode to "x\uFFFD"
                    output.Add(new(new("stale", "entry"), -1)); // the list is reused: what was in it must go
                    IPrefixScanInto<CombinedKey<string, string>, int>.ScanInto(store, prefix, output);
                    Assert.Equal(Expected(model.Where(e => e.Key.AsSpan().StartsWith(prefix))), Bytes(output));
                    if (kind == 8 && store is IGroupScan<string, string, int> groups)
                    {
                        // A right-table update's scan by the key itself: the same group, same order.
                        output.Add(new(new("stale", "entry"), -1));
                        groups.ScanGroup(prefixes[f], output);
                        Assert.Equal(Expected(model.Where(e => e.Key.AsSpan().StartsWith(prefix))), Bytes(output));
                    }
                }
                Assert.Equal(model.Count, store.ApproximateCount);
            }
            Assert.Equal(Expected(model), Bytes(store.All()));
            byte[] loBytes = serde.Serialize(lo), hiBytes = serde.Serialize(hi);
            Assert.Equal(Expected(model.Where(e => ByteArrayComparer.Instance.Compare(e.Key, loBytes) >= 0 && ByteArrayComparer.Instance.Compare(e.Key, hiBytes) <= 0)),
                Bytes(store.Range(lo, hi)));
        }, iter: 400);
    }

    private static List<(string, string, int)> Expected(IEnumerable<KeyValuePair<byte[], (CombinedKey<string, string> Key, int Value)>> entries) =>
        entries.Select(e => (Utf8(e.Value.Key.Prefix), Utf8(e.Value.Key.Primary), e.Value.Value)).ToList();

    // Keys compared by their bytes: a surrogate that became U+FFFD reads the same whichever string was stored.
    private static List<(string, string, int)> Bytes(IEnumerable<KeyValue<CombinedKey<string, string>, int>> entries) =>
        entries.Select(e => (Utf8(e.Key.Prefix), Utf8(e.Key.Primary), e.Value)).ToList();

    private static string Utf8(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
}
