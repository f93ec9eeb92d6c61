namespace Braid.Sql.Tests;

/// <summary>
/// Syntax and binding errors: each names the line and column of the offending token and what to write instead.
/// Would catch: an unsupported construct accepted and silently reinterpreted, an error pointing at the wrong
/// place, a message without the supported alternative.
/// </summary>
public sealed class ParserTests
{
    private const string Sources = """
        CREATE TABLE t (id BIGINT PRIMARY KEY, a TEXT, n BIGINT);
        CREATE TABLE u (id BIGINT PRIMARY KEY, a TEXT);
        CREATE STREAM s (k TEXT, v BIGINT, ts TIMESTAMP) WITH (timestamp = 'ts');

        """; // 3 lines + blank: a query starts on line 4

    private static SqlException Fails(string sql) => Assert.Throws<SqlException>(() => BraidSql.Compile(sql));

    public static TheoryData<string, int, int, string> Errors => new()
    {
        { "CREATE MATERIALIZED VIEW v AS SELECT a FROM t RIGHT JOIN u ON t.id = u.id;", 4, 47, "swap the two inputs and write LEFT JOIN" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t ORDER BY t.a;", 4, 49, "order inside array_agg" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t LIMIT 3;", 4, 49, "LIMIT is not supported" },
        { "CREATE MATERIALIZED VIEW v AS SELECT nope FROM t;", 4, 38, "unknown column nope" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM missing t;", 4, 47, "unknown table or stream missing" },
        { "CREATE MATERIALIZED VIEW v AS SELECT id FROM t JOIN u ON t.id = u.id;", 4, 38, "ambiguous" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a, t.n FROM t GROUP BY t.a;", 4, 43, "must appear in GROUP BY" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a + 1 AS b FROM t;", 4, 38, "'+' needs numbers" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t WHERE t.a = 1;", 4, 59, "cannot compare TEXT with BIGINT" },
        { "CREATE MATERIALIZED VIEW v AS SELECT s.k FROM s;", 4, 31, "CREATE STREAM name AS SELECT" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t JOIN u ON t.a > u.a;", 4, 59, "ON supports equalities" },
        { "CREATE STREAM j AS SELECT s.k FROM s JOIN t ON t.a = s.k;", 4, 48, "looks the table up by its primary key" },
        { "CREATE STREAM j AS SELECT s.k FROM s JOIN t FOR SYSTEM_TIME AS OF s.ts ON t.id = s.v;", 4, 67, "is not versioned" },
        { "CREATE STREAM j AS SELECT s.k FROM s JOIN s AS o ON s.k = o.k;", 4, 53, "needs a time bound" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t, u;", 4, 48, "comma joins are not supported" },
        { "CREATE VIEW v AS SELECT t.a FROM t;", 4, 8, "CREATE MATERIALIZED VIEW" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t WHERE t.id IN (SELECT id FROM u);", 4, 64, "write a JOIN" },
        { "CREATE MATERIALIZED VIEW v AS SELECT median(t.n) AS m FROM t;", 4, 38, "unknown function median" },
        { "CREATE TABLE w (id BIGINT, x UUID, PRIMARY KEY (id));", 4, 30, "unknown type UUID" },
        { "CREATE TABLE w (id BIGINT, x TEXT);", 4, 1, "needs a PRIMARY KEY" },
        { "CREATE STREAM w (id BIGINT PRIMARY KEY);", 4, 28, "a stream has no primary key" },
        { "CREATE TABLE w (id BIGINT PRIMARY KEY) WITH (format = 'avro');", 4, 55, "'json' is" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t HAVING COUNT(*) > 1;", 4, 49, "HAVING needs GROUP BY" },
        { "CREATE MATERIALIZED VIEW v AS SELECT DISTINCT t.a, COUNT(*) AS c FROM t GROUP BY t.a;", 4, 31, "SELECT DISTINCT with GROUP BY" },
        { "CREATE MATERIALIZED VIEW v AS SELECT DISTINCT ON (t.a) t.n FROM t;", 4, 47, "DISTINCT ON is not supported" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a, array_agg(DISTINCT t.n ORDER BY t.id) AS c FROM t GROUP BY t.a;", 4, 75, "ORDER BY can only sort by the argument" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t CROSS JOIN u;", 4, 49, "CROSS JOIN is only supported with UNNEST" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t, UNNEST(t.a) AS e;", 4, 48, "write CROSS JOIN UNNEST" },
        { "CREATE STREAM x AS SELECT t.a, e FROM t CROSS JOIN UNNEST(t.a) AS e;", 4, 52, "UNNEST of a table's column is not supported" },
        { "CREATE STREAM x AS SELECT e FROM s CROSS JOIN UNNEST(s.k) AS e;", 4, 54, "UNNEST takes an array" },
        { "CREATE STREAM x AS SELECT e FROM s LEFT JOIN UNNEST(s.k) AS e ON s.k = e;", 4, 66, "takes ON TRUE" },
        { "CREATE STREAM x AS SELECT s.k FROM s WHERE s.k = ANY(s.v);", 4, 54, "ANY(...) takes an array" },
        { "CREATE TABLE w (id BIGINT KEY);", 4, 27, "write col type PRIMARY KEY" },
        { "CREATE TABLE w (id BIGINT PRIMARY KEY, x ARRAY);", 4, 42, "ARRAY needs an element type" },
        { "CREATE MATERIALIZED VIEW v AS SELECT window_start, window_end, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(v), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;", 4, 116, "must name the stream's time column" },
        { "CREATE MATERIALIZED VIEW v AS SELECT t.a FROM t\nWHERE t.a = 'x' AND;", 5, 20, "expected an expression" },
        { "CREATE MATERIALIZED VIEW v AS SELECT 'unterminated FROM t;", 4, 38, "unterminated string literal" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Unsupported_or_wrong_SQL_is_an_error_at_its_position(string query, int line, int column, string says)
    {
        var e = Fails(Sources + query);
        Assert.Contains(says, e.Problem);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"line {line}, column {column}: ", e.Message);
    }

    [Fact]
    public void The_timeline_query_compiles_into_a_many_to_many_join_and_a_collect()
    {
        var program = BraidSql.Compile(TimelineSmokeTests.Timeline);
        var text = program.Topology.Describe().ToString();
        Assert.Contains("MANY-TO-MANY", text);
        Assert.Contains("COLLECT", text);
        var view = program.View("timelines");
        Assert.Equal(["timeline_id", "array_agg"], view.Columns.Select(c => c.Name));
        Assert.Equal([new SqlColumn("timeline_id", SqlType.Text)], view.KeyColumns);
        Assert.Equal(SqlType.Array, view.Columns[1].Type);
    }

    [Fact]
    public void Join_family_follows_the_keys_in_ON()
    {
        string Plan(string on) => BraidSql.Compile(Sources + $"CREATE MATERIALIZED VIEW v AS SELECT t.n FROM t JOIN u ON {on};").Topology.Describe().ToString();
        Assert.DoesNotContain("MANY-TO-MANY", Plan("t.id = u.id"));
        Assert.DoesNotContain("SUBSCRIPTION", Plan("t.id = u.id").ToUpperInvariant());
        Assert.Contains("SUBSCRIPTION", Plan("t.n = u.id").ToUpperInvariant());
        Assert.Contains("MANY-TO-MANY", Plan("t.a = u.a"));
    }

    [Fact]
    public void Comments_quoted_names_and_type_words_as_column_names_parse()
    {
        var program = BraidSql.Compile("""
            -- a comment
            CREATE TABLE "Events" (id BIGINT, "timestamp" TIMESTAMP, text TEXT, PRIMARY KEY (id)); /* block
            comment */
            CREATE MATERIALIZED VIEW v AS SELECT e.text, e."timestamp" AS at FROM "Events" e WHERE e.text LIKE 'a%';
            """);
        Assert.Equal(["text", "at"], program.View("v").Columns.Select(c => c.Name));
        Assert.Equal("Events", program.Sources[0].Name);
    }
}
