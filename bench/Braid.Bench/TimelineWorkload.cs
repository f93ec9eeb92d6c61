using Braid.Bench.Baselines;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Bench;

/// <summary>A tweet: who sent it, its text and when (tweets are keyed by tweet id).</summary>
internal sealed record Tweet(string Sender, string Text, long Timestamp);

/// <summary>A follow edge, the key of the follows table (value "present"; unfollow = tombstone).</summary>
internal readonly record struct Follow(string Follower, string Followee);

/// <summary>One line of a timeline.</summary>
internal sealed record TimelineEntry(long TweetId, string Sender, string Text, long Timestamp);

/// <summary>
/// The Twitter timeline of tests/Braid.Tests/ForeignKey (issue #6): tweets ⋈ follows on sender = followee
/// (many-to-many table join), grouped by follower and collected newest first, capped at <see cref="Limit"/> lines.
/// Events are generated from the seed before timing and pre-serialized: one event in four is a follow (one in eight
/// of those an unfollow of an existing edge), the rest are tweets from uniformly chosen users (one in twenty of those
/// deletes an earlier tweet). The untimed warm-up run checks the final timelines against a plain C# model.
/// </summary>
internal static class TimelineWorkload
{
    public const int Users = 1_000, Limit = 50;
    /// <summary>Issue #6 asks for throughput on this many events; larger --records do not change it.</summary>
    public const int MaxEvents = 100_000;
    private const string TweetsTopic = "tweets", FollowsTopic = "follows", Store = "timelines";

    private static readonly Serde<Tweet> TweetSerde = Serdes.Json<Tweet>();
    private static readonly Serde<Follow> FollowSerde = Serdes.Json<Follow>();

    internal sealed record Event(bool IsTweet, byte[] Key, byte[]? Value, long Ts, long TweetId, Tweet? Tweet, Follow Follow);

    public static Event[] Generate(int count, long seed)
    {
        var rng = new Random((int)seed);
        var events = new Event[count];
        var follows = new List<Follow>();
        var tweets = new List<long>();
        var present = "present"u8.ToArray();
        for (int i = 0; i < count; i++)
        {
            long ts = Dataset.T0 + i;
            if (i % 4 == 0)
            {
                bool unfollow = follows.Count > 0 && rng.Next(8) == 0;
                Follow f;
                if (unfollow)
                {
                    int at = rng.Next(follows.Count);
                    f = follows[at];
                    follows[at] = follows[^1];
                    follows.RemoveAt(follows.Count - 1);
                }
                else
                {
                    f = new Follow(User(rng.Next(Users)), User(rng.Next(Users)));
                    follows.Add(f);
                }
                events[i] = new Event(false, FollowSerde.Serialize(f), unfollow ? null : present, ts, 0, null, f);
            }
            else if (tweets.Count > 0 && rng.Next(20) == 0)
            {
                long id = tweets[rng.Next(tweets.Count)];
                events[i] = new Event(true, Serdes.Int64.Serialize(id), null, ts, id, null, default);
            }
            else
            {
                var tweet = new Tweet(User(rng.Next(Users)), "tweet " + i, ts);
                tweets.Add(i);
                events[i] = new Event(true, Serdes.Int64.Serialize(i), TweetSerde.Serialize(tweet), ts, i, tweet, default);
            }
        }
        return events;
    }

    private static string User(int u) => "u" + u.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A fresh driver (untimed); Run pipes every event, optionally checks the final timelines, and disposes it.</summary>
    public static (Action Run, Func<long> Outputs) Prepare(Event[] events, bool verify, StoreKind kind = StoreKind.Memory)
    {
        long outputs = 0;
        // BENCH_COLLECT_SORT_KEYS=0: the Collect without its in-memory sort keys (what the keys buy vs cost, issue 19 s12-tl).
        Braid.Internal.Aggregations.CollectSortKeys.Enabled = Environment.GetEnvironmentVariable("BENCH_COLLECT_SORT_KEYS") != "0";
        var b = new StreamsBuilder();
        var tweets = b.Table(TweetsTopic, Consumed.With(Serdes.Int64, TweetSerde));
        var follows = b.Table(FollowsTopic, Consumed.With(FollowSerde, Serdes.String));
        tweets
            .Join(follows, (_, tweet) => tweet.Sender, (follow, _) => follow.Followee, (tweet, _) => tweet)
            .GroupBy((pair, tweet) => KeyValue.Pair(pair.Right.Follower, new TimelineEntry(pair.Left, tweet.Sender, tweet.Text, tweet.Timestamp)))
            .Collect(e => (e.Timestamp, e.TweetId), descending: true, limit: Limit, Materialized.As<string, IReadOnlyList<TimelineEntry>>(Store))
            .ToStream()
            .Foreach((_, _) => outputs++);
        var stores = new BenchStores(kind);
        var driver = stores.CreateDriver(b.Build());
        void Run()
        {
            for (int i = 0; i < events.Length; i++)
            {
                var e = events[i];
                driver.Pipe(e.IsTweet ? TweetsTopic : FollowsTopic, e.Key, e.Value, e.Ts, null);
                stores.AfterRecord(i);
            }
            if (verify) Verify(driver, events);
            driver.Dispose();
            stores.Dispose();
        }
        return (Run, () => outputs);
    }

    private static void Verify(TopologyTestDriver driver, Event[] events) =>
        Check(events, driver.GetTimestampedKeyValueStore<string, IReadOnlyList<TimelineEntry>>(Store).All()
            .Where(e => e.Value.Value.Count > 0)
            .ToDictionary(e => e.Key, e => string.Join(" ", e.Value.Value.Select(t => t.TweetId))));

    /// <summary>Compares final timelines (follower → tweet ids, newest first) with a from-scratch model: per follower, the newest <see cref="Limit"/> live tweets of their followees.</summary>
    public static void Check(Event[] events, Dictionary<string, string> actual)
    {
        var tweets = new Dictionary<long, Tweet>();
        var followees = new Dictionary<string, HashSet<string>>();
        foreach (var e in events)
        {
            if (e.IsTweet)
            {
                if (e.Tweet is null) tweets.Remove(e.TweetId);
                else tweets[e.TweetId] = e.Tweet;
            }
            else if (e.Value is null) followees[e.Follow.Follower].Remove(e.Follow.Followee);
            else (followees.TryGetValue(e.Follow.Follower, out var set) ? set : followees[e.Follow.Follower] = new HashSet<string>()).Add(e.Follow.Followee);
        }
        var expected = new Dictionary<string, string>();
        foreach (var (follower, set) in followees)
        {
            var ids = tweets.Where(t => set.Contains(t.Value.Sender)).OrderByDescending(t => t.Value.Timestamp).ThenByDescending(t => t.Key)
                .Take(Limit).Select(t => t.Key).ToList();
            if (ids.Count > 0) expected[follower] = string.Join(" ", ids);
        }
        var wrong = expected.Keys.Union(actual.Keys)
            .Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k)).Take(3).ToList();
        if (wrong.Count > 0)
            throw new InvalidOperationException($"timeline MISMATCH for {string.Join(", ", wrong)}: expected [{expected.GetValueOrDefault(wrong[0])}] got [{actual.GetValueOrDefault(wrong[0])}]");
    }
}
