using System.Globalization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// Oracle property test: random tweet / edit / delete / follow / unfollow events; after EVERY step the
/// maintained timelines equal the SQL query evaluated from scratch on in-memory SQLite over the current
/// tables. Default 2,000 steps per run; BRAID_ORACLE_STEPS=N runs longer; BRAID_ORACLE_SEED=S replays a
/// seed (the seed is printed in the test output and in every failure message).
/// </summary>
public sealed class TimelineOracleTests(ITestOutputHelper output)
{
    private const string Query = """
        SELECT follower, id FROM (
          SELECT f.follower, t.id,
                 ROW_NUMBER() OVER (PARTITION BY f.follower ORDER BY t.ts DESC, t.id DESC) AS rn
          FROM follows f JOIN tweets t ON f.followee = t.sender)
        WHERE rn <= $limit ORDER BY follower, rn
        """;

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public void Timelines_EqualSqlFromScratch_AfterEveryStep(int? limit)
    {
        int steps = int.TryParse(Environment.GetEnvironmentVariable("BRAID_ORACLE_STEPS"), CultureInfo.InvariantCulture, out var n) ? n : 2000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BRAID_ORACLE_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay: BRAID_ORACLE_SEED={seed}), {steps} steps, limit {limit?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        var rng = new Random(seed);

        using var db = new SqliteConnection("Data Source=:memory:");
        db.Open();
        Exec(db, "CREATE TABLE tweets (id INTEGER PRIMARY KEY, sender TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL)");
        Exec(db, "CREATE TABLE follows (follower TEXT NOT NULL, followee TEXT NOT NULL, PRIMARY KEY (follower, followee))");
        using var k = new TimelineTests.Kit(limit);
        string[] users = ["u0", "u1", "u2", "u3", "u4", "u5"];
        var log = new List<string>();

        for (int step = 0; step < steps; step++)
        {
            long ts = step;
            string ev;
            switch (rng.Next(10))
            {
                case < 4:
                {
                    long id = rng.Next(40);
                    string sender = users[rng.Next(users.Length)], text = "t" + rng.Next(1000);
                    long at = rng.Next(200); // tweet times collide on purpose: ties are ordered by id
                    k.Tweet(id, sender, text, at);
                    Exec(db, "INSERT OR REPLACE INTO tweets VALUES ($1, $2, $3, $4)", id, sender, text, at);
                    ev = $"tweet {id} by {sender} at {at}";
                    break;
                }
                case < 6:
                {
                    long id = rng.Next(40);
                    k.DeleteTweet(id, ts);
                    Exec(db, "DELETE FROM tweets WHERE id = $1", id);
                    ev = $"delete {id}";
                    break;
                }
                case < 8:
                {
                    string a = users[rng.Next(users.Length)], b = users[rng.Next(users.Length)];
                    k.FollowUser(a, b, ts);
                    Exec(db, "INSERT OR REPLACE INTO follows VALUES ($1, $2)", a, b);
                    ev = $"{a} follows {b}";
                    break;
                }
                default:
                {
                    string a = users[rng.Next(users.Length)], b = users[rng.Next(users.Length)];
                    k.Unfollow(a, b, ts);
                    Exec(db, "DELETE FROM follows WHERE follower = $1 AND followee = $2", a, b);
                    ev = $"{a} unfollows {b}";
                    break;
                }
            }
            log.Add(ev);
            var expected = Expected(db, limit);
            var actual = k.Timelines().ToDictionary(e => e.Key, e => string.Join(" ", e.Value.Select(t => t.TweetId)));
            if (!expected.OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(actual.OrderBy(e => e.Key, StringComparer.Ordinal)))
            {
                Assert.Fail($"seed {seed}, step {step} ({ev}): timelines differ from SQL.\nexpected: {Show(expected)}\nactual:   {Show(actual)}\n" +
                    $"last events: {string.Join("; ", log.TakeLast(8))}");
            }
        }
    }

    private static Dictionary<string, string> Expected(SqliteConnection db, int? limit)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = Query;
        cmd.Parameters.AddWithValue("$limit", limit ?? int.MaxValue);
        var rows = new Dictionary<string, List<long>>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var f = r.GetString(0);
            if (!rows.TryGetValue(f, out var list)) rows[f] = list = new List<long>();
            list.Add(r.GetInt64(1));
        }
        return rows.ToDictionary(e => e.Key, e => string.Join(" ", e.Value));
    }

    private static string Show(Dictionary<string, string> t) =>
        string.Join(" | ", t.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}"));

    private static void Exec(SqliteConnection db, string sql, params object[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        for (int i = 0; i < args.Length; i++) cmd.Parameters.AddWithValue("$" + (i + 1).ToString(CultureInfo.InvariantCulture), args[i]);
        cmd.ExecuteNonQuery();
    }
}
