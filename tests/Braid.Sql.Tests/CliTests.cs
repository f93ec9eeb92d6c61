using Braid.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace Braid.Sql.Tests;

/// <summary>
/// <c>braid sql</c> as a user runs it: a separate process on the embedded runtime (the default host). The
/// study note's timeline, unchanged, over the sample inputs prints exactly SQLite's answer over the final rows.
/// Would catch: the CLI feeding inputs out of order, a wrong jsonl output format, views not printed sorted by
/// key, the embedded host diverging from the driver; and a SQL error not reported as file:line:column.
/// </summary>
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Braid(params string[] args)
    {
        var (code, stdout, stderr, _) = BraidCli.Run(SampleRuns.Root, TimeSpan.FromMinutes(2), args);
        return (code, stdout, stderr);
    }

    [Fact]
    public void Timeline_through_braid_sql_on_the_embedded_runtime_equals_SQLite()
    {
        var (code, stdout, stderr) = Braid("sql", "samples/sql/timelines/timelines.sql",
            "--input", "tweets=samples/sql/timelines/tweets.jsonl", "--input", "follows=samples/sql/timelines/follows.jsonl", "--format", "jsonl");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        using var sqlite = new SqliteOracle("""
            CREATE TABLE tweets (id INTEGER PRIMARY KEY, sender_id TEXT, text TEXT, timestamp INTEGER);
            CREATE TABLE follows (follower_id TEXT, followee_id TEXT, PRIMARY KEY (follower_id, followee_id));
            """);
        foreach (var line in File.ReadLines(SampleRuns.Sample("timelines", "tweets.jsonl")))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var key = doc.RootElement.GetProperty("key").GetInt64();
            var v = doc.RootElement.GetProperty("value");
            if (v.ValueKind == System.Text.Json.JsonValueKind.Null) sqlite.Execute("DELETE FROM tweets WHERE id = $id", ("$id", key));
            else sqlite.Execute("INSERT OR REPLACE INTO tweets VALUES ($id, $s, $t, $ts)", ("$id", key), ("$s", v.GetProperty("sender_id").GetString()),
                ("$t", v.GetProperty("text").GetString()), ("$ts", v.GetProperty("timestamp").GetInt64()));
        }
        foreach (var line in File.ReadLines(SampleRuns.Sample("timelines", "follows.jsonl")))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var k = doc.RootElement.GetProperty("key");
            (string, object?)[] p = [("$a", k.GetProperty("follower_id").GetString()), ("$b", k.GetProperty("followee_id").GetString())];
            if (doc.RootElement.GetProperty("value").ValueKind == System.Text.Json.JsonValueKind.Null)
                sqlite.Execute("DELETE FROM follows WHERE follower_id = $a AND followee_id = $b", p);
            else sqlite.Execute("INSERT OR REPLACE INTO follows VALUES ($a, $b)", p);
        }
        var expected = sqlite.Query("""
            SELECT json_quote(follows.follower_id),
                   json_object('timeline_id', follows.follower_id, 'array_agg', json_group_array(
                       json_object('id', tweets.id, 'sender_id', tweets.sender_id, 'text', tweets.text, 'timestamp', tweets.timestamp)
                       ORDER BY tweets.timestamp DESC))
            FROM tweets JOIN follows ON follows.followee_id = tweets.sender_id
            GROUP BY follows.follower_id
            """);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, SqliteOracle.FromViewLines(lines));
        Assert.Equal(lines.Order(StringComparer.Ordinal), lines); // sorted by key
    }

    [Fact]
    public void A_SQL_error_names_file_line_and_column_and_exits_with_usage()
    {
        var file = Path.Combine(Path.GetTempPath(), $"braid-sql-{Guid.NewGuid():N}.sql");
        File.WriteAllText(file, "CREATE TABLE t (id BIGINT PRIMARY KEY);\nCREATE MATERIALIZED VIEW v AS SELECT t.id FROM t RIGHT JOIN t AS u ON t.id = u.id;\n");
        try
        {
            var (code, _, stderr) = Braid("sql", file, "--host", "driver");
            Assert.Equal(2, code);
            Assert.Contains($"{file}:2:50: RIGHT JOIN is not supported; swap the two inputs and write LEFT JOIN.", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
