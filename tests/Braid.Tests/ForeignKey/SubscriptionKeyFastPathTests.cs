using System.Buffers.Binary;
using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Internal.State.Logging;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The allocation-free paths of the foreign-key joins (issue 19) against the serialized paths they replace: combined
/// subscription keys written in one array, foreign keys compared without serializing, and prefix scans into a reused
/// list. Strings come from an alphabet with 1- to 4-byte UTF-8 characters and unpaired surrogates (which UTF-8 turns
/// into U+FFFD, so different strings can have equal bytes). On failure CsCheck prints the seed; replay with
/// <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class SubscriptionKeyFastPathTests
{
    private const string Alphabet = "ab10é€\uD83D\uDE00\uD800\uDC00";
    private static readonly Gen<string> Text = Gen.Int[0, Alphabet.Length - 1].Select(i => Alphabet[i]).Array[0, 6].Select(cs => new string(cs));

    [Fact]
    public void CombinedKey_IsTheLengthThenThePrefixThenThePrimary_AsTheSerdesWriteThem()
    {
        Gen.Select(Text, Text).Sample((fk, pk) =>
        {
            byte[] f = Encoding.UTF8.GetBytes(fk), p = Encoding.UTF8.GetBytes(pk);
            byte[] expected = [.. BigEndian(f.Length), .. f, .. p];
            Assert.Equal(expected, new CombinedKeySerde<string, string>(Serdes.String, Serdes.String).Serialize(new(fk, pk)));
            // A serde the fast path does not know goes through its own bytes: the same layout.
            Assert.Equal(expected, new CombinedKeySerde<string, string>(new Utf8Copy(), new Utf8Copy()).Serialize(new(fk, pk)));
            Assert.Equal([.. BigEndian(f.Length), .. f], new CombinedKeySerde<string, string>(Serdes.String, Serdes.String).PrefixSerde.Serialize(fk));
        }, iter: 500);
    }

    [Fact]
    public void CombinedKey_WithANumericPrimary_KeepsTheNumbersBigEndianBytes()
    {
        var bytes = new CombinedKeySerde<string, int>(Serdes.String, Serdes.Int32).Serialize(new("€", 258));
        Assert.Equal([0, 0, 0, 3, 0xE2, 0x82, 0xAC, 0, 0, 1, 2], bytes);
    }

    [Fact]
    public void ForeignKeysAreTheSame_ExactlyWhenTheirBytesAre()
    {
        Gen.Select(Text, Text).Sample((a, b) =>
        {
            bool bytesEqual = Encoding.UTF8.GetBytes(a).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(b));
            Assert.Equal(bytesEqual, SerdeBytes.Equal(Serdes.String, a, b));
            Assert.Equal(bytesEqual, SerdeBytes.Equal<string>(new Utf8Copy(), a, b));
        }, iter: 2000);
        // Different strings, equal bytes (both unpaired surrogates become U+FFFD): the same key, as Kafka compares bytes.
        Assert.True(SerdeBytes.Equal(Serdes.String, "x\uD800", "x\uDC00"));
        Assert.True(SerdeBytes.Equal(Serdes.String, new string('\uD800', 300), new string('\uDBFF', 300))); // the pooled-buffer path
        Assert.False(SerdeBytes.Equal(Serdes.String, "x\uD800", "x\uD800y"));
    }

    // kind 0–5: put, 6–7: delete, 8–9: scan a prefix; foreign keys that are prefixes of each other ("1", "10", "").
    [Fact]
    public void PrefixScanInto_ReadsWhatPrefixScanReads_InMemoryAndThroughTheChangeLoggingStore()
    {
        string[] fks = ["", "1", "10", "2", "é", "\uD800"];
        string[] pks = ["a", "b", "ab", "", "€"];
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, fks.Length - 1], Gen.Int[0, pks.Length - 1]).Array[1, 120].Sample(ops =>
        {
            var serde = new CombinedKeySerde<string, string>(Serdes.String, Serdes.String);
            var memory = new InMemoryKeyValueStore<CombinedKey<string, string>, int>("subscriptions", serde);
            var logged = new ChangeLoggingKeyValueStore<CombinedKey<string, string>, int>(
                new InMemoryKeyValueStore<CombinedKey<string, string>, int>("logged", serde), serde, Serdes.Int32, new NoSink());
            var model = new Dictionary<(string, string), int>();
            var output = new List<KeyValue<CombinedKey<string, string>, int>>();
            int step = 0;
            foreach (var (kind, f, p) in ops)
            {
                var key = new CombinedKey<string, string>(fks[f], pks[p]);
                step++;
                if (kind <= 5)
                {
                    memory.Put(key, step);
                    logged.Put(key, step);
                    model[(fks[f], pks[p])] = step;
                }
                else if (kind <= 7)
                {
                    memory.Delete(key);
                    logged.Delete(key);
                    model.Remove((fks[f], pks[p]));
                }
                else
                {
                    var prefix = serde.PrefixSerde.Serialize(fks[f]);
                    // From scratch: every entry whose key bytes start with the prefix, in byte order.
                    var expected = model.Select(e => (Bytes: serde.Serialize(new(e.Key.Item1, e.Key.Item2)), e.Key, e.Value))
                        .Where(e => e.Bytes.AsSpan().StartsWith(prefix)).OrderBy(e => e.Bytes, ByteArrayComparer.Instance)
                        .Select(e => (e.Key.Item1, e.Key.Item2, e.Value)).ToList();
                    Assert.Equal(expected, memory.PrefixScan(fks[f], serde.PrefixSerde).Select(Flat).ToList());
                    foreach (var store in new IKeyValueStore<CombinedKey<string, string>, int>[] { memory, logged })
                    {
                        output.Add(new(new("stale", "entry"), -1)); // the list is reused: what was in it must go
                        IPrefixScanInto<CombinedKey<string, string>, int>.ScanInto(store, prefix, output);
                        Assert.Equal(expected, output.Select(Flat).ToList());
                    }
                }
            }
        }, iter: 300);
    }

    private static (string, string, int) Flat(KeyValue<CombinedKey<string, string>, int> e) => (e.Key.Prefix, e.Key.Primary, e.Value);

    private static byte[] BigEndian(int n)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, n);
        return b;
    }

    private sealed class Utf8Copy : Serde<string>
    {
        public override byte[] Serialize(string value) => Encoding.UTF8.GetBytes(value);

        public override string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private sealed class NoSink : IChangeSink
    {
        public long CurrentTimestamp => 0;

        public void Log(byte[] key, byte[]? value, long timestamp) { }
    }
}
