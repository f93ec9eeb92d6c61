using Braid.Serialization;
using Braid.Testing;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A foreign-key join's result carries its old value downstream (the resolver reads it from the result store, since
/// issue 19 session 8 in the same lookup that writes the new one): a GROUP BY … COUNT below the join subtracts each
/// row's old result when the row moves to another right row, the right row changes, or either side is deleted.
/// Checked against a from-scratch model after every update (left rows moving between foreign keys, null foreign
/// keys, left and right tombstones); inner and left joins. An old value lost or wrong makes the counts drift
/// (double counting), which only an aggregate shows: the join's own output table looks right either way.
/// On failure CsCheck prints the seed; replay with <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class ForeignKeyOldResultTests
{
    // left: ("l"+row, "v|fk" or "v|" for a null foreign key, or a tombstone); right: ("f"+fk, category or a tombstone).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CountBelowTheJoin_EqualsTheModel_AfterEveryUpdate(bool leftJoin)
    {
        Gen.Select(Gen.Bool, Gen.Int[0, 4], Gen.Int[-1, 3], Gen.Int[-1, 2]).Array[1, 60].Sample(ops =>
        {
            var b = new StreamsBuilder();
            var strings = Consumed.With(Serdes.String, Serdes.String);
            var left = b.Table("left", strings);
            var right = b.Table("right", strings);
            static string? Fk(string v) => v.Split('|')[1] is { Length: > 0 } fk ? fk : null;
            var joined = leftJoin ? left.LeftJoin(right, Fk, (_, r) => r ?? "none") : left.Join(right, Fk, (_, r) => r);
            joined.GroupBy((k, category) => KeyValue.Pair(category, k), Grouped.With(Serdes.String, Serdes.String))
                .Count(new Materialized<string, long> { StoreName = "counts", ValueSerde = Serdes.Int64 });
            using var d = new TopologyTestDriver(b.Build());
            var leftIn = d.CreateInputTopic<string, string>("left");
            var rightIn = d.CreateInputTopic<string, string>("right");
            var counts = d.GetTimestampedKeyValueStore<string, long>("counts");
            var rows = new Dictionary<string, string?>(); // left row → its foreign key (null: none)
            var categories = new Dictionary<string, string>(); // right key → category
            long ts = 0;
            foreach (var (isLeft, row, fk, category) in ops)
            {
                ts++;
                if (isLeft)
                {
                    string? value = category < 0 ? null : fk < 0 ? "v|" : $"v|f{fk}";
                    leftIn.PipeInput("l" + row, value, ts);
                    if (value is null) rows.Remove("l" + row);
                    else rows["l" + row] = fk < 0 ? null : "f" + fk;
                }
                else
                {
                    string key = "f" + Math.Max(fk, 0);
                    string? value = category < 0 ? null : "c" + category;
                    rightIn.PipeInput(key, value, ts);
                    if (value is null) categories.Remove(key);
                    else categories[key] = value;
                }
                var expected = rows.Values
                    .Select(f => f is not null && categories.TryGetValue(f, out var c) ? c : leftJoin ? "none" : null)
                    .OfType<string>().GroupBy(c => c).ToDictionary(g => g.Key, g => (long)g.Count());
                var actual = counts.All().Where(e => e.Value.Value != 0).ToDictionary(e => e.Key, e => e.Value.Value);
                Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
            }
        }, iter: 200);
    }
}
