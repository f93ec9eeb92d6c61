using Braid.Serialization;

namespace Braid.Samples.Timelines;

/// <summary>A tweet (tweets are keyed by tweet id; a tombstone deletes the tweet).</summary>
public sealed record Tweet(string Sender, string Text, long Timestamp);

/// <summary>A follow edge, the key of the follows table; its value is "follows", an unfollow is a tombstone.</summary>
public sealed record Follow(string Follower, string Followee);

/// <summary>One line of a timeline.</summary>
public sealed record TimelineEntry(long TweetId, string Sender, string Text, long Timestamp);

/// <summary>
/// Twitter timelines: per user, the tweets of everyone they follow, newest first — the seed note's
/// <c>SELECT follows.follower_id, array_agg(tweets.* ORDER BY tweets.timestamp DESC) FROM tweets JOIN follows
/// ON follows.followee_id = tweets.sender_id GROUP BY follows.follower_id</c>, kept up to date.
/// </summary>
public static class TimelinesDemo
{
    public static readonly DemoTopic<long, Tweet> Tweets = new("tweets", Serdes.Int64, Serdes.Json<Tweet>(), t => $"{t.Sender}: {t.Text}");
    public static readonly DemoTopic<Follow, string> Follows = new("follows", Serdes.Json<Follow>(), Serdes.String, showKey: f => $"{f.Follower} → {f.Followee}");
    public static readonly DemoTopic<string, IReadOnlyList<TimelineEntry>> Timelines =
        new("timelines", Serdes.String, Serdes.Json<IReadOnlyList<TimelineEntry>>(), list => string.Join(" · ", list.Select(e => $"{e.Sender}: {e.Text}")));

    public static Topology Build()
    {
        var builder = new StreamsBuilder();
        var tweets = builder.Table(Tweets.Name, Consumed.With(Tweets.KeySerde, Tweets.ValueSerde));
        var follows = builder.Table(Follows.Name, Consumed.With(Follows.KeySerde, Follows.ValueSerde));

        // JOIN follows ON follows.followee = tweets.sender: a many-to-many join on non-key attributes,
        // keyed by the pair (tweet id, follow edge); any change on either side updates the pairs it touches.
        tweets
            .Join(follows, (_, tweet) => tweet.Sender, (follow, _) => follow.Followee, (tweet, _) => tweet)
            // GROUP BY follower, array_agg(... ORDER BY timestamp DESC): the pair's removal retracts the entry.
            .GroupBy((pair, tweet) => KeyValue.Pair(pair.Right!.Follower, new TimelineEntry(pair.Left, tweet.Sender, tweet.Text, tweet.Timestamp)))
            .Collect(e => (e.Timestamp, e.TweetId), descending: true, materialized: Materialized.As<string, IReadOnlyList<TimelineEntry>>("timelines-store"))
            .ToStream()
            .To(Timelines.Name, Produced.With(Timelines.KeySerde, Timelines.ValueSerde));
        return builder.Build();
    }

    public static Demo Create()
    {
        long t(int minute) => DemoClock.At(minute);
        DemoInput Post(long id, string sender, string text, int minute) => Tweets.Record(id, new Tweet(sender, text, t(minute)), t(minute));
        DemoInput FollowUser(string follower, string followee, int minute) => Follows.Record(new Follow(follower, followee), "follows", t(minute));

        DemoStep[] steps =
        [
            FollowUser("ann", "zoe", 0),
            FollowUser("bob", "zoe", 1),
            Post(1, "zoe", "hello", 2),
            Post(2, "yan", "first!", 3),
            Post(3, "zoe", "lunch?", 4),
            Tweets.Record(3, null, t(5), "zoe deletes \"lunch?\""),
            FollowUser("ann", "yan", 6),
            Post(4, "yan", "coffee", 7),
            Follows.Record(new Follow("bob", "zoe"), null, t(8), "bob unfollows zoe"),
        ];

        return new Demo(
            "timelines",
            "Twitter timelines: a table–table join kept up to date",
            """
            A timeline is the tweets of everyone a user follows, newest first. Braid keeps two tables — tweets
            (by tweet id) and follows (by follower and followee) — joins them where the follow's followee is the
            tweet's sender, and groups the pairs by follower into a sorted list. A new tweet lands in every
            follower's timeline, a deleted tweet (a tombstone) leaves them, following someone brings in their
            earlier tweets and unfollowing takes them out; a timeline that becomes empty is deleted.
            """,
            [new DemoScript("tweets ⋈ follows on sender = followee, grouped by follower", Build, steps, [Timelines], TableTopic: Timelines.Name)]);
    }
}
