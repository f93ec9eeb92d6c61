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
        CombinedKeyStoreModel.EveryReadIsTheModels(Serde, Prefixes, Primaries, typeof(CombinedKeyStore<string, string, int>), new("1", "b"), new("é", ""));
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
}
