using CsCheck;
using Xunit.Abstractions;

namespace Braid.Sql.Tests;

/// <summary>
/// Each table join family and the aggregates, on random inserts, updates and deletes of two tables: after every
/// step the Braid view equals SQLite's answer to the same query over the current rows (a from-scratch
/// computation). Would catch: a lost retraction (a deleted or updated row still joined or counted), the wrong
/// join family for a condition (PK vs FK vs many-to-many), outer-join rows not replaced when a partner arrives
/// or not restored when it leaves, NULL join values matching, MIN/MAX/array_agg not recomputed after the
/// extreme row leaves, SUM/AVG/COUNT NULL handling, a group not deleted when empty, a group kept after HAVING
/// stops holding (or missing while it holds), DISTINCT counting a value twice or NULL once.
/// </summary>
public sealed class TableQueryOracleTests(ITestOutputHelper output)
{
    private const string BraidSources = """
        CREATE TABLE l (id BIGINT PRIMARY KEY, a BIGINT, rid BIGINT, x BIGINT, g TEXT);
        CREATE TABLE r (id BIGINT PRIMARY KEY, a BIGINT, y TEXT);
        """;

    private const string SqliteTables = """
        CREATE TABLE l (id INTEGER PRIMARY KEY, a INTEGER, rid INTEGER, x INTEGER, g TEXT);
        CREATE TABLE r (id INTEGER PRIMARY KEY, a INTEGER, y TEXT);
        """;

    public static TheoryData<string, string, string> Queries => new()
    {
        {
            "primary-key inner join",
            "SELECT l.id, l.x, r.y FROM l JOIN r ON l.id = r.id",
            "SELECT json_quote(l.id), json_object('id', l.id, 'x', l.x, 'y', r.y) FROM l JOIN r ON l.id = r.id"
        },
        {
            "primary-key left join",
            "SELECT l.id, l.x, r.y FROM l LEFT JOIN r ON r.id = l.id",
            "SELECT json_quote(l.id), json_object('id', l.id, 'x', l.x, 'y', r.y) FROM l LEFT JOIN r ON l.id = r.id"
        },
        {
            "primary-key full join",
            "SELECT l.id AS lid, r.id AS rid, l.x, r.y FROM l FULL JOIN r ON l.id = r.id",
            "SELECT json_quote(coalesce(l.id, r.id)), json_object('lid', l.id, 'rid', r.id, 'x', l.x, 'y', r.y) FROM l FULL JOIN r ON l.id = r.id"
        },
        {
            "foreign-key inner join",
            "SELECT l.id, l.rid, r.y FROM l JOIN r ON l.rid = r.id",
            "SELECT json_quote(l.id), json_object('id', l.id, 'rid', l.rid, 'y', r.y) FROM l JOIN r ON l.rid = r.id"
        },
        {
            "foreign-key left join",
            "SELECT l.id, l.rid, r.y FROM l LEFT JOIN r ON l.rid = r.id",
            "SELECT json_quote(l.id), json_object('id', l.id, 'rid', l.rid, 'y', r.y) FROM l LEFT JOIN r ON l.rid = r.id"
        },
        {
            "many-to-many inner join",
            "SELECT l.id AS lid, r.id AS rid, l.x, r.y FROM l JOIN r ON l.a = r.a",
            "SELECT json_object('l.id', l.id, 'r.id', r.id), json_object('lid', l.id, 'rid', r.id, 'x', l.x, 'y', r.y) FROM l JOIN r ON l.a = r.a"
        },
        {
            "many-to-many left join",
            "SELECT l.id AS lid, r.id AS rid, l.x, r.y FROM l LEFT JOIN r ON l.a = r.a",
            "SELECT json_object('l.id', l.id, 'r.id', r.id), json_object('lid', l.id, 'rid', r.id, 'x', l.x, 'y', r.y) FROM l LEFT JOIN r ON l.a = r.a"
        },
        {
            "many-to-many full join",
            "SELECT l.id AS lid, r.id AS rid, l.x, r.y FROM l FULL JOIN r ON l.a = r.a",
            "SELECT json_object('l.id', l.id, 'r.id', r.id), json_object('lid', l.id, 'rid', r.id, 'x', l.x, 'y', r.y) FROM l FULL JOIN r ON l.a = r.a"
        },
        {
            "aggregates over a table",
            "SELECT l.g, COUNT(*) AS n, COUNT(l.x) AS nx, SUM(l.x) AS s, MIN(l.x) AS mn, MAX(l.x) AS mx, AVG(l.x) AS av, array_agg(l.id ORDER BY l.id DESC) AS ids FROM l GROUP BY l.g",
            "SELECT json_quote(g), json_object('g', g, 'n', COUNT(*), 'nx', COUNT(x), 's', SUM(x), 'mn', MIN(x), 'mx', MAX(x), 'av', AVG(x), 'ids', json_group_array(id ORDER BY id DESC)) FROM l GROUP BY g"
        },
        {
            "aggregates over a filtered many-to-many join",
            "SELECT r.y, COUNT(*) AS n, SUM(l.x) AS s, array_agg(l.* ORDER BY l.id) AS rows FROM l JOIN r ON l.a = r.a WHERE l.x > 0 OR l.x IS NULL GROUP BY r.y",
            "SELECT json_quote(r.y), json_object('y', r.y, 'n', COUNT(*), 's', SUM(l.x), 'rows', json_group_array(json_object('id', l.id, 'a', l.a, 'rid', l.rid, 'x', l.x, 'g', l.g) ORDER BY l.id)) FROM l JOIN r ON l.a = r.a WHERE l.x > 0 OR l.x IS NULL GROUP BY r.y"
        },
        {
            "HAVING over a table",
            "SELECT l.g, COUNT(*) AS n, SUM(l.x) AS s FROM l GROUP BY l.g HAVING COUNT(*) >= 2 AND (SUM(l.x) IS NULL OR SUM(l.x) > 0) AND MIN(l.id) < 5",
            "SELECT json_quote(g), json_object('g', g, 'n', COUNT(*), 's', SUM(x)) FROM l GROUP BY g HAVING COUNT(*) >= 2 AND (SUM(x) IS NULL OR SUM(x) > 0) AND MIN(id) < 5"
        },
        {
            "DISTINCT aggregates over a table",
            "SELECT l.g, COUNT(DISTINCT l.a) AS da, SUM(DISTINCT l.x) AS sx, AVG(DISTINCT l.x) AS ax, array_agg(DISTINCT l.x ORDER BY l.x) AS xs FROM l GROUP BY l.g",
            "SELECT json_quote(g), json_object('g', g, 'da', COUNT(DISTINCT a), 'sx', SUM(DISTINCT x), 'ax', AVG(DISTINCT x), 'xs', json_group_array(DISTINCT x ORDER BY x NULLS LAST)) FROM l GROUP BY g"
        },
        {
            "SELECT DISTINCT over a table",
            "SELECT DISTINCT l.g, l.a FROM l",
            "SELECT json_object('g', g, 'a', a), json_object('g', g, 'a', a) FROM l GROUP BY g, a"
        },
        {
            "HAVING over a many-to-many join",
            "SELECT r.y, COUNT(DISTINCT l.id) AS n FROM l JOIN r ON l.a = r.a GROUP BY r.y HAVING COUNT(*) > 1",
            "SELECT json_quote(r.y), json_object('y', r.y, 'n', COUNT(DISTINCT l.id)) FROM l JOIN r ON l.a = r.a GROUP BY r.y HAVING COUNT(*) > 1"
        },
    };

    /// <summary>0 = upsert l, 1 = delete l, 2 = upsert r, 3 = delete r; values small so rows collide often; 9 stands for NULL.</summary>
    private sealed record Op(int Kind, int Id, int A, int B, int X)
    {
        private static object? N(int v) => v == 9 ? null : v;

        public object? Av => N(A);

        public object? Bv => N(B);

        public object? Xv => X == 9 ? null : X - 3;

        public string? G => A == 9 ? null : "g" + (A % 2);

        public string Y => "y" + (B % 3);

        public override string ToString() => Kind switch
        {
            0 => $"l[{Id}] = (a {Av ?? "null"}, rid {Bv ?? "null"}, x {Xv ?? "null"}, g {G ?? "null"})",
            1 => $"delete l[{Id}]",
            2 => $"r[{Id}] = (a {Av ?? "null"}, y {Y})",
            _ => $"delete r[{Id}]",
        };
    }

    private static readonly Gen<int> Small = Gen.OneOf(Gen.Int[0, 2], Gen.Const(9));
    private static readonly Gen<Op> GenOp = Gen.Select(Gen.Int[0, 3], Gen.Int[1, 5], Small, Small, Gen.OneOf(Gen.Int[0, 6], Gen.Const(9)),
        (k, id, a, b, x) => new Op(k, id, a, b, x));

    private static string Json(object? v) => v switch { null => "null", string s => $"\"{s}\"", _ => v.ToString()! };

    [Theory]
    [MemberData(nameof(Queries))]
    public void View_equals_SQLite_after_every_step(string family, string braidQuery, string sqliteQuery)
    {
        GenOp.List[1, 30].Sample(ops =>
        {
            using var braid = new SqlDriver(BraidSources + $"CREATE MATERIALIZED VIEW v AS {braidQuery};");
            using var sqlite = new SqliteOracle(SqliteTables);
            for (int step = 0; step < ops.Count; step++)
            {
                var op = ops[step];
                switch (op.Kind)
                {
                    case 0:
                        braid.Send("l", $$"""{"key": {{op.Id}}, "value": {"a": {{Json(op.Av)}}, "rid": {{Json(op.Bv)}}, "x": {{Json(op.Xv)}}, "g": {{Json(op.G)}}}, "ts": {{step}}}""");
                        sqlite.Execute("INSERT OR REPLACE INTO l VALUES ($id, $a, $rid, $x, $g)", ("$id", op.Id), ("$a", op.Av), ("$rid", op.Bv), ("$x", op.Xv), ("$g", op.G));
                        break;
                    case 1:
                        braid.Send("l", $$"""{"key": {{op.Id}}, "value": null, "ts": {{step}}}""");
                        sqlite.Execute("DELETE FROM l WHERE id = $id", ("$id", op.Id));
                        break;
                    case 2:
                        braid.Send("r", $$"""{"key": {{op.Id}}, "value": {"a": {{Json(op.Av)}}, "y": "{{op.Y}}"}, "ts": {{step}}}""");
                        sqlite.Execute("INSERT OR REPLACE INTO r VALUES ($id, $a, $y)", ("$id", op.Id), ("$a", op.Av), ("$y", op.Y));
                        break;
                    default:
                        braid.Send("r", $$"""{"key": {{op.Id}}, "value": null, "ts": {{step}}}""");
                        sqlite.Execute("DELETE FROM r WHERE id = $id", ("$id", op.Id));
                        break;
                }
                var expected = sqlite.Query(sqliteQuery);
                var actual = SqliteOracle.FromViewLines(braid.View("v"));
                if (!expected.SequenceEqual(actual))
                    Assert.Fail($"{family}: after step {step + 1} ({op}) of [{string.Join("; ", ops.Take(step + 1))}]\nSQLite:\n  {string.Join("\n  ", expected)}\nBraid:\n  {string.Join("\n  ", actual)}");
            }
        }, iter: 25, threads: 1, writeLine: output.WriteLine);
    }
}
