using Braid.Serialization;
using Braid.Testing;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A foreign-key join without <c>Materialized</c> keeps its result store only when a later operator needs it (issue 19,
/// session 12; Kafka's <c>KTableImpl.doJoinOnForeignKey</c> result <c>KTableSource</c> is materialized only when
/// queryable or forced by <c>enableSendingOldValues</c>). Without the store outputs carry no old value, so:
/// <list type="bullet">
/// <item>a result that only flows on (<c>ToStream</c>) must emit exactly what the stored join emits, record for record
/// (values, tombstones, timestamps), and its latest value per key must be the from-scratch join of the inputs;</item>
/// <item>every shape that subtracts old values below the join — directly or through an unmaterialized or materialized
/// MapValues or Filter — must still count right (a lost old value double counts), checked against a model after every
/// update.</item>
/// </list>
/// Inputs: left rows moving between foreign keys, null foreign keys, left and right tombstones, right updates.
/// On failure CsCheck prints the seed; replay with <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public sealed class ForeignKeyOnDemandResultStoreTests
{
    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    // (is left, row, foreign key (-1: null), category or value (-1: tombstone))
    private static readonly Gen<(bool, int, int, int)[]> Ops = Gen.Select(Gen.Bool, Gen.Int[0, 4], Gen.Int[-1, 3], Gen.Int[-1, 2]).Array[1, 60];

    private static string? Fk(string v) => v.Split('|')[1] is { Length: > 0 } fk ? fk : null;

    private static KTable<string, string> Join(StreamsBuilder b, bool leftJoin, bool materialized)
    {
        var left = b.Table("left", Strings);
        var right = b.Table("right", Strings);
        var m = materialized ? new ForeignKeyJoined<string, string> { Materialized = new Materialized<string, string> { StoreName = "result" } } : null;
        return leftJoin ? left.LeftJoin(right, Fk, (l, r) => l + "+" + (r ?? "none"), m) : left.Join(right, Fk, (l, r) => l + "+" + r, m);
    }

    /// <summary>Pipes one op and updates the model (left row → its value; right key → its value).</summary>
    private static void Pipe(TopologyTestDriver d, (bool IsLeft, int Row, int Fk, int Value) op, long ts,
        Dictionary<string, string> rows, Dictionary<string, string> rights)
    {
        if (op.IsLeft)
        {
            string key = "l" + op.Row;
            string? value = op.Value < 0 ? null : op.Fk < 0 ? $"v{op.Value}|" : $"v{op.Value}|f{op.Fk}";
            d.CreateInputTopic<string, string>("left").PipeInput(key, value, ts);
            if (value is null) rows.Remove(key);
            else rows[key] = value;
        }
        else
        {
            string key = "f" + Math.Max(op.Fk, 0);
            string? value = op.Value < 0 ? null : "c" + op.Value;
            d.CreateInputTopic<string, string>("right").PipeInput(key, value, ts);
            if (value is null) rights.Remove(key);
            else rights[key] = value;
        }
    }

    /// <summary>The from-scratch join: each left row with the right row its foreign key names.</summary>
    private static Dictionary<string, string> Model(Dictionary<string, string> rows, Dictionary<string, string> rights, bool leftJoin)
    {
        var result = new Dictionary<string, string>();
        foreach (var (k, v) in rows)
        {
            string? r = Fk(v) is { } fk && rights.TryGetValue(fk, out var c) ? c : null;
            if (r is not null || leftJoin) result[k] = v + "+" + (r ?? "none");
        }
        return result;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToStreamOnly_EmitsWhatTheStoredJoinEmits_AndItsTableIsTheModel(bool leftJoin)
    {
        Ops.Sample(ops =>
        {
            TopologyTestDriver Driver(bool materialized)
            {
                var b = new StreamsBuilder();
                Join(b, leftJoin, materialized).ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
                return new TopologyTestDriver(b.Build());
            }
            using var lazy = Driver(materialized: false);
            using var stored = Driver(materialized: true);
            var lazyOut = lazy.CreateOutputTopic<string, string>("out");
            var storedOut = stored.CreateOutputTopic<string, string>("out");
            var rows = new Dictionary<string, string>();
            var rights = new Dictionary<string, string>();
            var table = new Dictionary<string, string>();
            long ts = 0;
            foreach (var op in ops)
            {
                ts++;
                Pipe(lazy, op, ts, rows, rights);
                Pipe(stored, op, ts, new Dictionary<string, string>(), new Dictionary<string, string>());
                var got = lazyOut.ReadRecordsToList().Select(r => (r.Key, r.Value, r.Timestamp)).ToList();
                Assert.Equal(storedOut.ReadRecordsToList().Select(r => (r.Key, r.Value, r.Timestamp)).ToList(), got);
                foreach (var (k, v, _) in got)
                {
                    if (v is null) table.Remove(k!);
                    else table[k!] = v;
                }
                Assert.Equal(Model(rows, rights, leftJoin).OrderBy(e => e.Key, StringComparer.Ordinal), table.OrderBy(e => e.Key, StringComparer.Ordinal));
            }
        }, iter: 200);
    }

    /// <summary>Shapes between the join and a GROUP BY … COUNT of the results' right value.</summary>
    public enum Below
    {
        MapValues,
        MaterializedMapValues,
        Filter,
        MaterializedFilterThenMaterializedMapValues,
        MapValuesThenMaterializedMapValues,
    }

    [Theory]
    [InlineData(false, Below.MapValues)]
    [InlineData(true, Below.MapValues)]
    [InlineData(false, Below.MaterializedMapValues)]
    [InlineData(true, Below.MaterializedMapValues)]
    [InlineData(false, Below.Filter)]
    [InlineData(true, Below.Filter)]
    [InlineData(true, Below.MaterializedFilterThenMaterializedMapValues)]
    [InlineData(false, Below.MapValuesThenMaterializedMapValues)]
    [InlineData(true, Below.MapValuesThenMaterializedMapValues)]
    public void CountBelowAnUnstoredJoinThroughViews_EqualsTheModel_AfterEveryUpdate(bool leftJoin, Below below)
    {
        static string Category(string result) => result[(result.IndexOf('+') + 1)..];
        static bool Kept(string result) => !result.StartsWith("v2", StringComparison.Ordinal);
        int stores = 0;
        Materialized<string, string> M() => new() { StoreName = "view" + stores++ };
        Ops.Sample(ops =>
        {
            var b = new StreamsBuilder();
            var joined = Join(b, leftJoin, materialized: false);
            KTable<string, string> table = below switch
            {
                Below.MapValues => joined.MapValues((_, v) => Category(v)),
                Below.MaterializedMapValues => joined.MapValues((_, v) => Category(v), M()),
                Below.Filter => joined.Filter((_, v) => Kept(v)).MapValues((_, v) => Category(v)),
                Below.MaterializedFilterThenMaterializedMapValues => joined.Filter((_, v) => Kept(v), M()).MapValues((_, v) => Category(v), M()),
                _ => joined.MapValues((_, v) => v).MapValues((_, v) => Category(v), M()),
            };
            bool filtered = below is Below.Filter or Below.MaterializedFilterThenMaterializedMapValues;
            table.GroupBy((k, category) => KeyValue.Pair(category, k), Grouped.With(Serdes.String, Serdes.String))
                .Count(new Materialized<string, long> { StoreName = "counts", ValueSerde = Serdes.Int64 });
            using var d = new TopologyTestDriver(b.Build());
            var counts = d.GetTimestampedKeyValueStore<string, long>("counts");
            var rows = new Dictionary<string, string>();
            var rights = new Dictionary<string, string>();
            long ts = 0;
            foreach (var op in ops)
            {
                Pipe(d, op, ++ts, rows, rights);
                var expected = Model(rows, rights, leftJoin).Values.Where(v => !filtered || Kept(v)).Select(Category)
                    .GroupBy(c => c).ToDictionary(g => g.Key, g => (long)g.Count());
                var actual = counts.All().Where(e => e.Value.Value != 0).ToDictionary(e => e.Key, e => e.Value.Value);
                Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
            }
        }, iter: 150);
    }

    [Fact]
    public void TheResultStore_IsDeclaredOnlyWhenMaterializedReadOrAskedForOldValues()
    {
        static string Describe(Action<KTable<string, string>> below, bool materialized = false)
        {
            var b = new StreamsBuilder();
            var joined = Join(b, leftJoin: false, materialized);
            below(joined);
            return b.Build().Describe().ToString();
        }
        const string Output = "KTABLE-FK-JOIN-OUTPUT-STATE-STORE-";
        Assert.DoesNotContain(Output, Describe(t => t.ToStream().To("out")), StringComparison.Ordinal);
        Assert.DoesNotContain(Output, Describe(t => t.MapValues((_, v) => v).ToStream().To("out")), StringComparison.Ordinal);
        Assert.Contains(Output, Describe(t => t.GroupBy((k, v) => KeyValue.Pair(v, k)).Count()), StringComparison.Ordinal);
        Assert.Contains(Output, Describe(t => t.MapValues((_, v) => v, new Materialized<string, string> { StoreName = "m" })), StringComparison.Ordinal);
        Assert.Contains(Output, Describe(t => t.Filter((_, v) => v.Length > 0)), StringComparison.Ordinal);
        Assert.Contains(Output, Describe(t => t.Join(t, (a, c) => a + c)), StringComparison.Ordinal);
        Assert.Contains("result", Describe(t => t.ToStream().To("out"), materialized: true), StringComparison.Ordinal);

        var b = new StreamsBuilder();
        Assert.Null(Join(b, leftJoin: false, materialized: false).QueryableStoreName);
        Assert.Equal("result", Join(new StreamsBuilder(), leftJoin: false, materialized: true).QueryableStoreName);
    }
}
