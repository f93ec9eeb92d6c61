using CsCheck;
using Xunit.Abstractions;

namespace Braid.Sql.Tests;

/// <summary>
/// The study note's timeline query, exactly as written, on random tweets and follows with updates, deletes and
/// unfollows: after every step the view equals SQLite's answer to the same query over the same rows.
/// Would catch: a retraction lost in the many-to-many join or in Collect (a deleted tweet or an unfollowed
/// user's tweets staying in a timeline), a stale pair after a tweet's sender changes, wrong ORDER BY direction,
/// an empty timeline not deleted, a tweet counted twice after an update.
/// </summary>
public sealed class TimelineOracleTests(ITestOutputHelper output)
{
    private const string Ddl = """
        CREATE TABLE tweets (id INTEGER PRIMARY KEY, sender_id TEXT, text TEXT, timestamp INTEGER);
        CREATE TABLE follows (follower_id TEXT, followee_id TEXT, PRIMARY KEY (follower_id, followee_id));
        """;

    // The same query in SQLite: array_agg(tweets.* ORDER BY ...) is json_group_array(json_object(...) ORDER BY ...).
    private const string Reference = """
        SELECT json_quote(follows.follower_id),
               json_object('timeline_id', follows.follower_id, 'array_agg', json_group_array(
                   json_object('id', tweets.id, 'sender_id', tweets.sender_id, 'text', tweets.text, 'timestamp', tweets.timestamp)
                   ORDER BY tweets.timestamp DESC))
        FROM tweets
        JOIN follows ON follows.followee_id = tweets.sender_id
        GROUP BY follows.follower_id
        """;

    internal static readonly string[] Users = ["ann", "bob", "cat", "dan"];

    /// <summary>An operation: 0 = post/update tweet, 1 = delete tweet, 2 = follow, 3 = unfollow.</summary>
    internal sealed record Op(int Kind, int TweetId, int A, int B, string Text)
    {
        public override string ToString() => Kind switch
        {
            0 => $"post {TweetId} by {Users[A]} '{Text}'",
            1 => $"delete tweet {TweetId}",
            2 => $"{Users[A]} follows {Users[B]}",
            _ => $"{Users[A]} unfollows {Users[B]}",
        };
    }

    internal static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 6], Gen.Int[0, Users.Length - 1], Gen.Int[0, Users.Length - 1], Gen.String[Gen.Char["abcxyz "], 0, 6],
            (k, id, a, b, text) => new Op(k, id, a, b, text));

    [Fact]
    public void Timeline_view_equals_SQLite_after_every_step()
    {
        GenOp.List[1, 40].Sample(ops =>
        {
            using var braid = new SqlDriver(TimelineSmokeTests.Timeline);
            using var sqlite = new SqliteOracle(Ddl);
            for (int step = 0; step < ops.Count; step++)
            {
                var op = ops[step];
                long ts = 1000 + step; // unique per step: ORDER BY timestamp has no ties
                switch (op.Kind)
                {
                    case 0:
                        braid.Send("tweets", $$"""{"key": {{op.TweetId}}, "value": {"sender_id": "{{Users[op.A]}}", "text": "{{op.Text}}", "timestamp": {{ts}}}, "ts": {{ts}}}""");
                        sqlite.Execute("INSERT OR REPLACE INTO tweets VALUES ($id, $s, $t, $ts)", ("$id", op.TweetId), ("$s", Users[op.A]), ("$t", op.Text), ("$ts", ts));
                        break;
                    case 1:
                        braid.Send("tweets", $$"""{"key": {{op.TweetId}}, "value": null, "ts": {{ts}}}""");
                        sqlite.Execute("DELETE FROM tweets WHERE id = $id", ("$id", op.TweetId));
                        break;
                    case 2:
                        braid.Send("follows", $$"""{"key": {"follower_id": "{{Users[op.A]}}", "followee_id": "{{Users[op.B]}}"}, "value": {}, "ts": {{ts}}}""");
                        sqlite.Execute("INSERT OR REPLACE INTO follows VALUES ($a, $b)", ("$a", Users[op.A]), ("$b", Users[op.B]));
                        break;
                    default:
                        braid.Send("follows", $$"""{"key": {"follower_id": "{{Users[op.A]}}", "followee_id": "{{Users[op.B]}}"}, "value": null, "ts": {{ts}}}""");
                        sqlite.Execute("DELETE FROM follows WHERE follower_id = $a AND followee_id = $b", ("$a", Users[op.A]), ("$b", Users[op.B]));
                        break;
                }
                var expected = sqlite.Query(Reference);
                var actual = SqliteOracle.FromViewLines(braid.View("timelines"));
                if (!expected.SequenceEqual(actual))
                    Assert.Fail($"after step {step + 1} ({op}) of [{string.Join("; ", ops.Take(step + 1))}]\nSQLite:\n  {string.Join("\n  ", expected)}\nBraid:\n  {string.Join("\n  ", actual)}");
            }
        }, iter: 60, threads: 1, writeLine: output.WriteLine);
    }
}
