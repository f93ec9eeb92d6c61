using CsCheck;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Properties;

/// <summary>
/// Incremental table results equal a from-scratch recomputation over the final tables, for random
/// interleavings of inserts, updates and deletes on both sides. On failure CsCheck prints the seed;
/// replay with <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class TableJoinProperties
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);

    /// <summary>A random update: side (0 left, 1 right), key, value (null = delete), timestamp.</summary>
    private static readonly Gen<(int Side, string Key, string? Value, long Ts)> Update =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 5], Gen.Int[0, 6], Gen.Long[0, 1_000],
            (side, k, v, ts) => (side, "k" + k, v == 0 ? null : (side == 0 ? "L" : "R") + v, ts));

    [Theory]
    [InlineData("inner")]
    [InlineData("left")]
    [InlineData("outer")]
    public void TableTableJoin_EqualsFromScratchJoin_OverFinalTables(string kind)
    {
        Update.Array[0, 60].Sample(updates =>
        {
            var b = new StreamsBuilder();
            var l = b.Table("l", S);
            var r = b.Table("r", S);
            var joined = kind switch
            {
                "inner" => l.Join(r, (a, c) => a + "|" + c),
                "left" => l.LeftJoin(r, (a, c) => a + "|" + (c ?? "null")),
                _ => l.OuterJoin(r, (a, c) => (a ?? "null") + "|" + (c ?? "null")),
            };
            joined.ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
            using var d = new TopologyTestDriver(b.Build());
            var inputs = new[] { d.CreateInputTopic("l", Serdes.String, Serdes.String), d.CreateInputTopic("r", Serdes.String, Serdes.String) };
            var left = new Dictionary<string, string>();
            var right = new Dictionary<string, string>();
            foreach (var (side, key, value, ts) in updates)
            {
                inputs[side].PipeInput(key, value, ts);
                var table = side == 0 ? left : right;
                if (value is null) table.Remove(key);
                else table[key] = value;
            }
            var expected = new Dictionary<string, string>();
            foreach (var key in left.Keys.Union(right.Keys))
            {
                bool hl = left.TryGetValue(key, out var lv), hr = right.TryGetValue(key, out var rv);
                bool present = kind switch { "inner" => hl && hr, "left" => hl, _ => hl || hr };
                if (present) expected[key] = (lv ?? "null") + "|" + (rv ?? "null");
            }
            var actual = d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToMap();
            Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
        }, iter: 300);
    }

    [Fact]
    public void TableAggregate_EqualsFromScratchGrouping_OverFinalTable()
    {
        // rows: id -> "group:amount"; sum and count per group via adder/subtractor.
        var row = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 3], Gen.Int[0, 9], (id, g, amt) => ("id" + id, amt == 0 ? null : $"g{g}:{amt}"));
        row.Array[0, 80].Sample(updates =>
        {
            var b = new StreamsBuilder();
            var grouped = b.Table("rows", S).GroupBy((_, v) => KeyValue.Pair(v.Split(':')[0], long.Parse(v.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)),
                new Grouped<string, long> { ValueSerde = Serdes.Int64 });
            grouped.Aggregate(() => 0L, (_, v, a) => a + v, (_, v, a) => a - v, Materialized.As<string, long>("sums"));
            grouped.Count(Materialized.As<string, long>("counts"));
            using var d = new TopologyTestDriver(b.Build());
            var input = d.CreateInputTopic("rows", Serdes.String, Serdes.String);
            var table = new Dictionary<string, string>();
            long ts = 0;
            foreach (var (id, value) in updates)
            {
                input.PipeInput(id, value, ts++);
                if (value is null) table.Remove(id);
                else table[id] = value;
            }
            var groups = table.Values.GroupBy(v => v.Split(':')[0]).ToDictionary(g => g.Key, g => (Sum: g.Sum(v => long.Parse(v.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)), Count: (long)g.Count()));
            var sums = d.GetTimestampedKeyValueStore<string, long>("sums");
            var counts = d.GetTimestampedKeyValueStore<string, long>("counts");
            foreach (var kv in counts.All())
            {
                // Kafka keeps a group whose rows all left, with count 0; from scratch it has no row.
                var (sum, count) = groups.GetValueOrDefault(kv.Key);
                Assert.Equal(count, kv.Value.Value);
                Assert.True(sums.TryGet(kv.Key, out var s));
                Assert.Equal(sum, s.Value);
            }
            foreach (var g in groups.Keys) Assert.True(counts.TryGet(g, out _), $"group {g} missing");
        }, iter: 300);
    }
}
