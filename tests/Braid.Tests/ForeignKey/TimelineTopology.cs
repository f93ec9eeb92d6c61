using Braid.Serialization;

namespace Braid.Tests.ForeignKey;

/// <summary>A tweet: who sent it, its text and when (tweets are keyed by tweet id).</summary>
public sealed record Tweet(string Sender, string Text, long Timestamp);

/// <summary>A follow edge, the key of the follows table (value: "present"; unfollow = tombstone).</summary>
public readonly record struct Follow(string Follower, string Followee);

/// <summary>One line of a timeline.</summary>
public sealed record TimelineEntry(long TweetId, string Sender, string Text, long Timestamp);

/// <summary>
/// The timeline sample: per follower, the tweets of everyone they follow, newest first —
/// <c>SELECT follows.follower, array_agg(tweets.* ORDER BY ts DESC, id DESC LIMIT n) FROM tweets JOIN follows
/// ON follows.followee = tweets.sender GROUP BY follows.follower</c>.
/// </summary>
public static class TimelineTopology
{
    public const string TweetsTopic = "tweets";
    public const string FollowsTopic = "follows";
    public const string TimelinesTopic = "timelines";
    public const string TimelineStore = "timelines";

    public static Serde<Tweet> TweetSerde { get; } = Serdes.Json<Tweet>();

    public static Serde<Follow> FollowSerde { get; } = Serdes.Json<Follow>();

    public static Topology Build(int? limit = null)
    {
        var b = new StreamsBuilder();
        var tweets = b.Table(TweetsTopic, Consumed.With(Serdes.Int64, TweetSerde));
        var follows = b.Table(FollowsTopic, Consumed.With(FollowSerde, Serdes.String));
        tweets
            .Join(follows, (_, tweet) => tweet.Sender, (follow, _) => follow.Followee, (tweet, _) => tweet)
            .GroupBy((pair, tweet) => KeyValue.Pair(pair.Right.Follower, new TimelineEntry(pair.Left, tweet.Sender, tweet.Text, tweet.Timestamp)))
            .Collect(e => (e.Timestamp, e.TweetId), descending: true, limit: limit, Materialized.As<string, IReadOnlyList<TimelineEntry>>(TimelineStore))
            .ToStream()
            .MapValues(list => list is null ? null : string.Join(" ", list.Select(e => e.TweetId)))
            .To(TimelinesTopic, Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }
}
