using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The in-memory store of subscriptions and many-to-many indexes (<see cref="CombinedKeyStore{TPrefix,TPrimary,TValue}"/>,
/// grouped by prefix, issue 19) against a from-scratch model keyed by the combined key's bytes, as RocksDB keys it:
/// point reads, counts, and every scan in byte order. Keys come from parts that prefix each other ("1", "10", ""),
/// multi-byte characters and unpaired surrogates (different strings, equal bytes: one key), and parts longer than the
/// store's stack buffer. On failure CsCheck prints the seed; replay with <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class CombinedKeyStoreTests
{
    private static readonly string Long = new('é', 150);
    private static readonly string[] Prefixes = ["", "1", "10", "2", "é", "x\uD800", "x\uDC00", Long, Long + "1"];
    private static readonly string[] Primaries = ["a", "b", "ab", "", "€", "\uDBFF", "\uD800", "ÿ", Long];
    private static readonly CombinedKeySerde<string, string> Serde = new(Serdes.String, Serdes.String);

    // kind 0–4: put, 5–6: delete, 7: get, 8: scan a prefix as the joins do, 9: another scan (All, Range, a partial prefix).
    [Fact]
    public void EveryRead_IsTheByteOrderedModelsRead_AfterAnyPutsAndDeletes()
    {
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, Prefixes.Length - 1], Gen.Int[0, Primaries.Length - 1], Gen.Int[0, 3]).Array[1, 150].Sample(ops =>
        {
            var store = InMemoryStoreFactory.Instance.CreateKeyValueStore(new KeyValueStoreBuilder<CombinedKey<string, string>, int>("s", Serde, Serdes.Int32));
            Assert.IsType<CombinedKeyStore<string, string, int>>(store);
            var model = new SortedDictionary<byte[], (CombinedKey<string, string> Key, int Value)>(ByteArrayComparer.Instance);
            var output = new List<KeyValue<CombinedKey<string, string>, int>>();
            int step = 0;
            foreach (var (kind, f, p, other) in ops)
            {
                var key = new CombinedKey<string, string>(Prefixes[f], Primaries[p]);
                var bytes = Serde.Serialize(key);
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
                    byte[] prefix = kind == 8 || other == 0 ? Serde.PrefixSerde.Serialize(Prefixes[f])
                        : other == 1 ? bytes[..Math.Min(3, bytes.Length)] // inside the length field
                        : other == 2 ? bytes[..^Math.Min(1, bytes.Length - 4)] // into the primary
                        : [];
                    output.Add(new(new("stale", "entry"), -1)); // the list is reused: what was in it must go
                    IPrefixScanInto<CombinedKey<string, string>, int>.ScanInto(store, prefix, output);
                    Assert.Equal(Expected(model.Where(e => e.Key.AsSpan().StartsWith(prefix))), Bytes(output));
                }
                Assert.Equal(model.Count, store.ApproximateCount);
            }
            Assert.Equal(Expected(model), Bytes(store.All()));
            var (lo, hi) = (new CombinedKey<string, string>("1", "b"), new CombinedKey<string, string>("é", ""));
            byte[] loBytes = Serde.Serialize(lo), hiBytes = Serde.Serialize(hi);
            Assert.Equal(Expected(model.Where(e => ByteArrayComparer.Instance.Compare(e.Key, loBytes) >= 0 && ByteArrayComparer.Instance.Compare(e.Key, hiBytes) <= 0)),
                Bytes(store.Range(lo, hi)));
        }, iter: 400);
    }

    [Fact]
    public void KeysWithEqualBytes_AreOneKey_AndAScanReturnsTheLatestValue()
    {
        var store = new CombinedKeyStore<string, string, int>("s", Serdes.String, Serdes.String);
        store.Put(new("x\uD800", "\uDBFF"), 1);
        store.Put(new("x\uDC00", "\uD800"), 2); // both parts have the same UTF-8 bytes as the first key's
        Assert.Equal(1, store.ApproximateCount);
        Assert.True(store.TryGet(new("x\uDBFF", "\uDC00"), out int v));
        Assert.Equal(2, v);
        Assert.True(store.Delete(new("x\uD811", "\uDC22")));
        Assert.Empty(store.All());
    }

    [Fact]
    public void NumericPrimaries_AreOrderedByTheirBigEndianBytes_WithinAPrefix()
    {
        var store = new CombinedKeyStore<string, int, string>("s", Serdes.String, Serdes.Int32);
        foreach (int pk in new[] { 300, -1, 2, 0, 256 }) store.Put(new("fk", pk), "v" + pk);
        store.Put(new("fk2", 1), "other");
        var output = new List<KeyValue<CombinedKey<string, int>, string>>();
        store.PrefixScanInto(new CombinedKeySerde<string, int>(Serdes.String, Serdes.Int32).PrefixSerde.Serialize("fk"), output);
        // Big-endian two's complement: non-negative ascending, then the negatives (0xFF… sorts last).
        Assert.Equal([0, 2, 256, 300, -1], output.Select(e => e.Key.Primary));
        Assert.All(output, e => Assert.Equal("v" + e.Key.Primary, e.Value));
    }

    private static List<(string, string, int)> Expected(IEnumerable<KeyValuePair<byte[], (CombinedKey<string, string> Key, int Value)>> entries) =>
        entries.Select(e => (Utf8(e.Value.Key.Prefix), Utf8(e.Value.Key.Primary), e.Value.Value)).ToList();

    // Keys compared by their bytes: a surrogate that became U+FFFD reads the same whichever string was stored.
    private static List<(string, string, int)> Bytes(IEnumerable<KeyValue<CombinedKey<string, string>, int>> entries) =>
        entries.Select(e => (Utf8(e.Key.Prefix), Utf8(e.Key.Primary), e.Value)).ToList();

    private static string Utf8(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
}
