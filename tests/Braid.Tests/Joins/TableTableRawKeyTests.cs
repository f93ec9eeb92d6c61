using System.Text;
using CsCheck;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Joins;

/// <summary>
/// A table–table join (inner, left, outer) over raw key bytes: both sources take the stack decode of string keys
/// (<c>SourceNode.DecodeKey</c>, which forwards a store's own key instance), so the results and both stores must equal a
/// from-scratch model of Kafka's <c>KTableKTable{Inner,Left,Outer}Join</c> for any key bytes (non-ASCII, invalid UTF-8,
/// past the stack buffer), deletes included. On failure CsCheck prints the seed; replay with
/// <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class TableTableRawKeyTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);

    // The raw key bytes the stack decode must agree with Encoding.UTF8.GetString on: the source tests' pool.
    private static readonly byte[][] KeyPool = StoredKeyInstanceTests.KeyPool;

    /// <summary>A random input: to table a (true) or b, key index, value (null = delete), timestamp.</summary>
    private static readonly Gen<(bool A, int Key, string? Value, long Ts)> Input =
        Gen.Select(Gen.Bool, Gen.Int[0, KeyPool.Length - 1], Gen.Int[0, 4], Gen.Long[0, 1_000],
            (a, k, v, ts) => (a, k, v == 0 ? null : "v" + v, ts));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void JoinResultsAndBothStores_EqualAModel_ForAnyKeyBytes(int kind)
    {
        Input.Array[0, 40].Sample(inputs =>
        {
            var b = new StreamsBuilder();
            var ta = b.Table("a", S, Materialized.As<string, string>("sa"));
            var tb = b.Table("b", S, Materialized.As<string, string>("sb"));
            (kind switch
            {
                0 => ta.Join(tb, (x, y) => x + "|" + y),
                1 => ta.LeftJoin(tb, (x, y) => x + "|" + (y ?? "null")),
                _ => ta.OuterJoin(tb, (x, y) => (x ?? "null") + "|" + (y ?? "null")),
            }).ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
            using var d = new TopologyTestDriver(b.Build());
            var pa = d.CreateInputTopic("a", Serdes.ByteArray, Serdes.String);
            var pb = d.CreateInputTopic("b", Serdes.ByteArray, Serdes.String);
            var ma = new Dictionary<string, string>(StringComparer.Ordinal);
            var mb = new Dictionary<string, string>(StringComparer.Ordinal);
            var expected = new List<(string?, string?)>();
            foreach (var (toA, k, value, ts) in inputs)
            {
                string key = Encoding.UTF8.GetString(KeyPool[k]);
                var (own, other) = toA ? (ma, mb) : (mb, ma);
                bool hadOwn = own.ContainsKey(key);
                if (value is null) own.Remove(key);
                else own[key] = value;
                (toA ? pa : pb).PipeInput(KeyPool[k], value, ts);
                string? av = ma.GetValueOrDefault(key), bv = mb.GetValueOrDefault(key);
                bool otherHas = other.ContainsKey(key);
                // Kafka's KTableKTable{Inner,Left,Outer}Join: a result (or a tombstone for a vanished one) when the join row existed or exists.
                bool emits = kind switch
                {
                    0 => otherHas,
                    1 => toA ? otherHas || hadOwn || value is not null : ma.ContainsKey(key),
                    _ => otherHas || hadOwn || value is not null,
                };
                if (!emits) continue;
                string? result = kind switch
                {
                    0 => av is null || bv is null ? null : av + "|" + bv,
                    1 => av is null ? null : av + "|" + (bv ?? "null"),
                    _ => av is null && bv is null ? null : (av ?? "null") + "|" + (bv ?? "null"),
                };
                expected.Add((key, result));
            }
            Assert.Equal(expected, d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList().Select(kv => (kv.Key, kv.Value)));
            foreach (var (store, model) in new[] { ("sa", ma), ("sb", mb) })
            {
                var stored = d.GetTimestampedKeyValueStore<string, string>(store).All().ToDictionary(e => e.Key, e => e.Value.Value);
                Assert.Equal(model.OrderBy(e => e.Key, StringComparer.Ordinal), stored.OrderBy(e => e.Key, StringComparer.Ordinal));
            }
        }, iter: 200);
    }
}
