using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The foreign-key join's string-keyed subscription store (<see cref="StringCombinedKeyStore{TValue}"/>, issue 19,
/// session 19) against a from-scratch model keyed by the combined key's UTF-8 bytes, as RocksDB keys it: point reads,
/// counts, and every scan in byte order. Keys mix parts that prefix each other, characters on both sides of the
/// surrogate range (U+E000, U+FF01, a pair for U+1F600: ordinal order and byte order disagree there), unpaired
/// surrogates (different strings, equal bytes: one key) and parts longer than the store's stack buffer. Scans include
/// a whole-group prefix whose bytes are not UTF-8 (no string has them), and a group scan by the key (<see cref="IGroupScan{TPrefix,TPrimary,TValue}"/>). On failure CsCheck prints the seed; replay with
/// <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class StringCombinedKeyStoreTests
{
    private static readonly string Long = new('é', 150);
    private static readonly string[] Prefixes = ["", "1", "10", "é", "\uE000", "\U0001F600", "x\uD800", "x\uDC00", "x\uFFFD", Long, Long + "1"];
    private static readonly string[] Primaries = ["a", "ab", "", "€", "\uDBFF", "\uD800", "\uFFFD", "\uE000", "\U0001F600", "\U0001F600b", "\uFF01", Long];
    private static readonly CombinedKeySerde<string, string> Serde = new(Serdes.String, Serdes.String) { StringGroups = true };

    // kind 0–4: put, 5–6: delete, 7: get, 8: scan a group as the join does, 9: another scan (All, Range, a partial prefix,
    // a group prefix of bytes that are not UTF-8).
    [Fact]
    public void EveryRead_IsTheByteOrderedModelsRead_AfterAnyPutsAndDeletes()
    {
        CombinedKeyStoreModel.EveryReadIsTheModels(Serde, Prefixes, Primaries, typeof(StringCombinedKeyStore<int>), new("1", "b"), new("\uE000", "\uFF01"));
    }

    // Any two strings (surrogates, paired or not, and the characters around them): the comparison of their canonical
    // forms has the sign of the comparison of their UTF-8 bytes, and zero exactly when the bytes are equal.
    [Fact]
    public void CanonicalStrings_CompareAsTheirUtf8Bytes()
    {
        var chars = Gen.OneOf(Gen.Char['a', 'c'], Gen.Char['\u00FF', '\u0101'], Gen.Char['\uD7FF', '\uE001'], Gen.Char['\uFFFC', '\uFFFF']);
        var text = chars.Array[0, 6].Select(c => new string(c));
        Gen.Select(text, text).Sample((a, b) =>
        {
            int bytes = Math.Sign(ByteArrayComparer.Instance.Compare(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b)));
            Assert.Equal(bytes, Math.Sign(Utf8Order.Compare(Utf8Order.Canonical(a), Utf8Order.Canonical(b))));
            Assert.Equal(bytes == 0, Utf8Order.Canonical(a) == Utf8Order.Canonical(b));
        }, iter: 5000);
    }

    [Fact]
    public void AWellFormedString_IsItsOwnCanonicalForm_WithoutACopy()
    {
        foreach (var s in new[] { "k00042", "", "é€", "\U0001F600x", Long })
            Assert.Same(s, Utf8Order.Canonical(s));
        Assert.Equal("x\uFFFDy", Utf8Order.Canonical("x\uDC00y"));
        Assert.Equal("\uFFFD", Utf8Order.Canonical("\uD800"));
    }

    [Fact]
    public void TheForeignKeyJoinsSubscriptionStore_IsStringKeyed_AndTheManyToManyIndexesAreNot()
    {
        Assert.True(Serde.StringGroups);
        var bytesKeyed = new CombinedKeySerde<string, string>(Serdes.String, Serdes.String);
        Assert.IsType<CombinedKeyStore<string, string, int>>(bytesKeyed.CreateInMemoryStore<int>("s"));
        var otherSerde = new CombinedKeySerde<string, long>(Serdes.String, Serdes.Int64) { StringGroups = true };
        Assert.IsType<CombinedKeyStore<string, long, int>>(otherSerde.CreateInMemoryStore<int>("s"));
    }
}
