using System.Text;
using CsCheck;
using Braid.Serialization;
using Braid.Testing;
using Braid.Tests.Shared;

namespace Braid.Tests.Joins;

/// <summary>
/// A source whose only child reads a string-keyed in-memory store (a stream–table join, a table source) decodes the
/// key onto the stack and forwards the store's own key instance when it holds one (issue 19, session 13). The keys a
/// topology sees must still be exactly what the string serde decodes: non-ASCII, surrogate pairs, invalid UTF-8
/// (U+FFFD), keys past the stack buffer, keys the table lacks. Keys are piped as raw bytes so invalid UTF-8 reaches the
/// source. On failure CsCheck prints the seed; replay with <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class StoredKeyInstanceTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);

    // Every byte sequence the decode path must agree with Encoding.UTF8.GetString on.
    internal static readonly byte[][] KeyPool =
    [
        "k1"u8.ToArray(), "k2"u8.ToArray(), [], Encoding.UTF8.GetBytes("ключ"), Encoding.UTF8.GetBytes("k😀"),
        [0x6B, 0xFF], [0x6B, 0xC3], [0xED, 0xA0, 0x80], // invalid: a lone 0xFF, a truncated sequence, an encoded surrogate
        Encoding.UTF8.GetBytes(new string('x', 128)), Encoding.UTF8.GetBytes(new string('x', 129)),
        Encoding.UTF8.GetBytes(new string('é', 64)), Encoding.UTF8.GetBytes(new string('é', 65)),
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("😀", 32))),
    ];

    /// <summary>A random input: to the table (true) or the stream, key index, value (null = table delete), ts.</summary>
    private static readonly Gen<(bool Table, int Key, string? Value, long Ts)> Input =
        Gen.Select(Gen.Bool, Gen.Int[0, KeyPool.Length - 1], Gen.Int[0, 5], Gen.Long[0, 1_000],
            (table, k, v, ts) => (table, k, v == 0 && table ? null : "v" + v, ts));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamTableJoin_KeysAndResults_EqualTheStringSerdesDecode_ForAnyKeyBytes(bool leftJoin)
    {
        Input.Array[0, 40].Sample(inputs =>
        {
            var b = new StreamsBuilder();
            var table = b.Table("t", S, Materialized.As<string, string>("tbl"));
            var stream = b.Stream("s", S);
            (leftJoin ? stream.LeftJoin(table, (v, t) => v + "|" + (t ?? "null")) : stream.Join(table, (v, t) => v + "|" + t))
                .To("out", Produced.With(Serdes.String, Serdes.String));
            using var d = new TopologyTestDriver(b.Build());
            var t = d.CreateInputTopic("t", Serdes.ByteArray, Serdes.String);
            var s = d.CreateInputTopic("s", Serdes.ByteArray, Serdes.String);
            var model = new Dictionary<string, string>(StringComparer.Ordinal);
            var expected = new List<TestRecord<string, string>>();
            foreach (var (toTable, k, value, ts) in inputs)
            {
                var keyBytes = KeyPool[k];
                string key = Encoding.UTF8.GetString(keyBytes);
                if (toTable)
                {
                    t.PipeInput(keyBytes, value, ts);
                    if (value is null) model.Remove(key);
                    else model[key] = value;
                    continue;
                }
                s.PipeInput(keyBytes, value, ts);
                if (model.TryGetValue(key, out var tv)) expected.Add(new TestRecord<string, string>(key, value + "|" + tv, ts));
                else if (leftJoin) expected.Add(new TestRecord<string, string>(key, value + "|null", ts));
            }
            Assert.Equal(expected, d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList());
            var stored = d.GetTimestampedKeyValueStore<string, string>("tbl").All().ToDictionary(e => e.Key, e => e.Value.Value);
            Assert.Equal(model.OrderBy(e => e.Key, StringComparer.Ordinal), stored.OrderBy(e => e.Key, StringComparer.Ordinal));
        }, iter: 300);
    }

    [Fact]
    public void StreamRecordsJoiningTheTable_CarryTheTablesKeyInstance_AndOthersAFreshEqualKey()
    {
        var b = new StreamsBuilder();
        var table = b.Table("t", S, Materialized.As<string, string>("tbl"));
        var seen = new List<string>();
        b.Stream("s", S).LeftJoin(table, (v, t) => v + "|" + t).Peek((k, _) => seen.Add(k!)).To("out", Produced.With(Serdes.String, Serdes.String));
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("t", Serdes.String, Serdes.String).PipeInput("k1", "a", 1);
        var s = d.CreateInputTopic("s", Serdes.String, Serdes.String);
        s.PipeInput("k1", "x", 2);
        s.PipeInput("k1", "y", 3);
        s.PipeInput("k9", "z", 4);
        string stored = Assert.Single(d.GetTimestampedKeyValueStore<string, string>("tbl").All()).Key;
        Assert.Equal(["k1", "k1", "k9"], seen);
        Assert.Same(stored, seen[0]);
        Assert.Same(stored, seen[1]);
        Assert.Equal(["x|a", "y|a", "z|"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void TableUpdatesOfAHeldKey_CarryTheStoredKeyInstance()
    {
        var b = new StreamsBuilder();
        var seen = new List<string>();
        b.Table("t", S, Materialized.As<string, string>("tbl")).ToStream().Peek((k, _) => seen.Add(k!)).To("out", Produced.With(Serdes.String, Serdes.String));
        using var d = new TopologyTestDriver(b.Build());
        var t = d.CreateInputTopic("t", Serdes.String, Serdes.String);
        t.PipeInput("k1", "a", 1);
        t.PipeInput("k1", "b", 2);
        t.PipeInput("k1", null, 3);
        t.PipeInput("k1", "c", 4);
        string stored = Assert.Single(d.GetTimestampedKeyValueStore<string, string>("tbl").All()).Key;
        Assert.Equal(["k1", "k1", "k1", "k1"], seen);
        Assert.Same(seen[0], seen[1]);    // the first update's key is stored; the next update forwards that instance
        Assert.Same(seen[0], seen[2]);    // and so does the delete
        Assert.NotSame(seen[0], seen[3]); // a row after the delete is stored under its own key
        Assert.Same(stored, seen[3]);
    }

    /// <summary>
    /// Only the built-in string serde's keys take the stack decode: a user's string serde (here one whose bytes carry the
    /// topic, as a Schema Registry serde's carry a schema id) must still decode them (review of s13-st: the
    /// <c>ReferenceEquals(_keySerde, Serdes.String)</c> guard had no test — without it the table and the stream would
    /// hold the raw bytes' text as keys, and no record would join).
    /// </summary>
    [Fact]
    public void AUsersStringKeySerde_StillDecodesTheKeys_OfATableAndTheStreamJoiningIt()
    {
        var tagged = Consumed.With<string, string>(new TopicTaggedSerde(), Serdes.String);
        var b = new StreamsBuilder();
        var table = b.Table("t", tagged, Materialized.As<string, string>("tbl"));
        b.Stream("s", tagged).Join(table, (v, t) => v + "|" + t).To("out", Produced.With(Serdes.String, Serdes.String));
        using var d = new TopologyTestDriver(b.Build());
        var t = d.CreateInputTopic("t", Serdes.ByteArray, Serdes.String);
        var s = d.CreateInputTopic("s", Serdes.ByteArray, Serdes.String);
        t.PipeInput("t/Key|k1"u8.ToArray(), "a", 1);
        s.PipeInput("s/Key|k1"u8.ToArray(), "x", 2);
        Assert.True(d.GetTimestampedKeyValueStore<string, string>("tbl").TryGet("k1", out var row)); // (All() would need the serde without a topic)
        Assert.Equal("a", row.Value);
        var joined = Assert.Single(d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList());
        Assert.Equal(("k1", "x|a"), (joined.Key, joined.Value));
    }
}
