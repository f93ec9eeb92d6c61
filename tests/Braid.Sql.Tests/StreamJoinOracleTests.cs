using CsCheck;
using Xunit.Abstractions;

namespace Braid.Sql.Tests;

/// <summary>
/// Stream joins against plain C# models over the same inputs (SQLite has no event-time semantics).
/// Stream–table: each event sees the table as it is when the event is processed (later table changes do not
/// re-emit); would catch a lookup by the wrong key, an emission on table updates, a LEFT JOIN dropping unmatched
/// events or an inner join keeping them, a deleted row still found. Stream–stream: the inner join emits exactly
/// the pairs with equal keys and b.ts − a.ts within [−2 s, +3 s]; would catch a mirrored window (before/after
/// swapped), an off-by-one at the bounds, a missing or duplicated pair.
/// </summary>
public sealed class StreamJoinOracleTests(ITestOutputHelper output)
{
    private sealed record Op(int Kind, int Key, int Value, int Gap);

    private static readonly Gen<Op> GenOp = Gen.Select(Gen.Int[0, 2], Gen.Int[1, 3], Gen.Int[0, 9], Gen.Int[0, 2500], (k, key, v, gap) => new Op(k, key, v, gap));

    [Theory]
    [InlineData("JOIN")]
    [InlineData("LEFT JOIN")]
    public void Stream_table_join_equals_a_lookup_at_processing_time(string join)
    {
        const string Sources = """
            CREATE TABLE t (id BIGINT PRIMARY KEY, y TEXT);
            CREATE STREAM s (v BIGINT, w BIGINT);
            """;
        GenOp.List[1, 40].Sample(ops =>
        {
            using var braid = new SqlDriver(Sources + $"CREATE STREAM j AS SELECT s.w, t.id, t.y FROM s {join} t ON t.id = s.v;");
            var table = new Dictionary<int, string>();
            var expected = new List<string>();
            for (int step = 0; step < ops.Count; step++)
            {
                var op = ops[step];
                switch (op.Kind)
                {
                    case 0:
                        braid.Send("t", $$"""{"key": {{op.Key}}, "value": {"y": "y{{op.Value}}"}, "ts": {{step}}}""");
                        table[op.Key] = "y" + op.Value;
                        break;
                    case 1:
                        braid.Send("t", $$"""{"key": {{op.Key}}, "value": null, "ts": {{step}}}""");
                        table.Remove(op.Key);
                        break;
                    default:
                        braid.Send("s", $$"""{"key": "e{{step}}", "value": {"v": {{op.Key}}, "w": {{step}}}, "ts": {{step}}}""");
                        bool hit = table.TryGetValue(op.Key, out var y);
                        if (hit || join == "LEFT JOIN")
                            expected.Add($$"""{"key":{{op.Key}},"value":{"w":{{step}},"id":{{(hit ? op.Key : "null")}},"y":{{(hit ? $"\"{y}\"" : "null")}}},"ts":{{step}}}""");
                        break;
                }
            }
            Assert.Equal(expected, braid.Stream("j"));
        }, iter: 40, threads: 1, writeLine: output.WriteLine);
    }

    [Fact]
    public void Stream_stream_inner_join_emits_exactly_the_pairs_inside_the_time_bound()
    {
        const string Program = """
            CREATE STREAM a (k BIGINT, v BIGINT, ts TIMESTAMP) WITH (timestamp = 'ts');
            CREATE STREAM b (k BIGINT, v BIGINT, ts TIMESTAMP) WITH (timestamp = 'ts');
            CREATE STREAM j AS SELECT a.v AS av, b.v AS bv FROM a JOIN b
                ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2' SECOND AND a.ts + INTERVAL '3' SECOND;
            """;
        GenOp.List[1, 40].Sample(ops =>
        {
            using var braid = new SqlDriver(Program);
            var seen = new List<(string Side, int Key, int Value, long Ts)>();
            var expected = new List<string>();
            long ts = 1_000_000;
            for (int step = 0; step < ops.Count; step++)
            {
                var op = ops[step];
                ts += op.Gap; // in order: no record is late, so the model needs no grace rule
                string side = op.Kind == 0 ? "a" : "b";
                braid.Send(side, $$"""{"key": null, "value": {"k": {{op.Key}}, "v": {{step}}}, "ts": {{ts}}}""");
                foreach (var other in seen.Where(o => o.Side != side && o.Key == op.Key))
                {
                    var (aV, aTs, bV, bTs) = side == "a" ? (step, ts, other.Value, other.Ts) : (other.Value, other.Ts, step, ts);
                    if (bTs >= aTs - 2000 && bTs <= aTs + 3000) expected.Add($"{aV}-{bV}");
                }
                seen.Add((side, op.Key, step, ts));
            }
            var actual = braid.Stream("j").Select(l =>
            {
                using var doc = System.Text.Json.JsonDocument.Parse(l);
                var v = doc.RootElement.GetProperty("value");
                return $"{v.GetProperty("av").GetInt64()}-{v.GetProperty("bv").GetInt64()}";
            }).ToList();
            Assert.Equal(expected.Order(), actual.Order());
        }, iter: 40, threads: 1, writeLine: output.WriteLine);
    }
}
