namespace Braid.Sql.Tests;

public sealed class TimelineSmokeTests
{
    public const string Timeline = """
        CREATE TABLE tweets (id BIGINT, sender_id TEXT, text TEXT, timestamp BIGINT, PRIMARY KEY (id));
        CREATE TABLE follows (follower_id TEXT, followee_id TEXT, PRIMARY KEY (follower_id, followee_id));
        CREATE MATERIALIZED VIEW timelines AS
        SELECT follows.follower_id AS timeline_id,
               array_agg(tweets.* ORDER BY tweets.timestamp DESC)
        FROM tweets
        JOIN follows ON follows.followee_id = tweets.sender_id
        GROUP BY follows.follower_id;
        """;

    [Fact]
    public void Timeline_follows_tweets_deletes_and_unfollows()
    {
        using var d = new SqlDriver(Timeline);
        d.Send("follows", """{"key": {"follower_id": "ann", "followee_id": "zoe"}, "value": {}, "ts": 1}""");
        d.Send("tweets", """{"key": 1, "value": {"sender_id": "zoe", "text": "hello", "timestamp": 10}, "ts": 2}""");
        d.Send("tweets", """{"key": 2, "value": {"sender_id": "zoe", "text": "again", "timestamp": 20}, "ts": 3}""");
        Assert.Equal(["""{"key":"ann","value":{"timeline_id":"ann","array_agg":[{"id":2,"sender_id":"zoe","text":"again","timestamp":20},{"id":1,"sender_id":"zoe","text":"hello","timestamp":10}]}}"""],
            d.View("timelines"));
        d.Send("tweets", """{"key": 2, "value": null, "ts": 4}""");
        Assert.Equal(["""{"key":"ann","value":{"timeline_id":"ann","array_agg":[{"id":1,"sender_id":"zoe","text":"hello","timestamp":10}]}}"""], d.View("timelines"));
        d.Send("follows", """{"key": {"follower_id": "ann", "followee_id": "zoe"}, "value": null, "ts": 5}""");
        Assert.Empty(d.View("timelines"));
    }
}
