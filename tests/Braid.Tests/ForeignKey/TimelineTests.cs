using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The timeline acceptance test: a tweet appears in every follower's timeline, a delete removes it, a
/// follow adds the followee's tweets, an unfollow removes them; newest first, optionally capped.
/// </summary>
public sealed class TimelineTests
{
    internal sealed class Kit : IDisposable
    {
        private readonly TestInputTopic<long, Tweet> _tweets;
        private readonly TestInputTopic<Follow, string> _follows;
        private readonly TestOutputTopic<string, string> _out;

        public Kit(int? limit = null)
        {
            Driver = new TopologyTestDriver(TimelineTopology.Build(limit));
            _tweets = Driver.CreateInputTopic(TimelineTopology.TweetsTopic, Serialization.Serdes.Int64, TimelineTopology.TweetSerde);
            _follows = Driver.CreateInputTopic(TimelineTopology.FollowsTopic, TimelineTopology.FollowSerde, Serialization.Serdes.String);
            _out = Driver.CreateOutputTopic<string, string>(TimelineTopology.TimelinesTopic);
        }

        public TopologyTestDriver Driver { get; }

        /// <summary>The timelines as the output topic tells them (tweet ids, newest first).</summary>
        public Dictionary<string, string> Published { get; } = new();

        public void Tweet(long id, string sender, string text, long ts) => _tweets.PipeInput(id, new Tweet(sender, text, ts), ts);

        public void DeleteTweet(long id, long ts) => _tweets.PipeInput(id, null, ts);

        public void FollowUser(string follower, string followee, long ts) => _follows.PipeInput(new Follow(follower, followee), "present", ts);

        public void Unfollow(string follower, string followee, long ts) => _follows.PipeInput(new Follow(follower, followee), null, ts);

        /// <summary>The stored timelines, as "follower: id id …" sorted by follower; the output topic must agree.</summary>
        public Dictionary<string, IReadOnlyList<TimelineEntry>> Timelines()
        {
            foreach (var r in _out.ReadRecordsToList())
            {
                if (r.Value is null) Published.Remove(r.Key!);
                else Published[r.Key!] = r.Value;
            }
            var store = Driver.GetTimestampedKeyValueStore<string, IReadOnlyList<TimelineEntry>>(TimelineTopology.TimelineStore);
            var result = store.All().ToDictionary(e => e.Key, e => e.Value.Value);
            Assert.Equal(
                result.ToDictionary(e => e.Key, e => string.Join(" ", e.Value.Select(t => t.TweetId))).OrderBy(e => e.Key, StringComparer.Ordinal),
                Published.OrderBy(e => e.Key, StringComparer.Ordinal));
            return result;
        }

        public string Show(string follower) =>
            Timelines().TryGetValue(follower, out var t) ? string.Join(" ", t.Select(e => e.TweetId)) : "";

        public void Dispose() => Driver.Dispose();
    }

    [Fact]
    public void Tweet_AppearsInEveryFollowersTimeline_NewestFirst()
    {
        using var k = new Kit();
        k.FollowUser("ann", "zoe", 1);
        k.FollowUser("bob", "zoe", 2);
        k.Tweet(10, "zoe", "hello", 10);
        k.Tweet(11, "zoe", "again", 11);
        k.Tweet(12, "yan", "not followed", 12);
        Assert.Equal("11 10", k.Show("ann"));
        Assert.Equal("11 10", k.Show("bob"));
        Assert.Equal("", k.Show("zoe"));
    }

    [Fact]
    public void DeletedTweet_DisappearsFromEveryTimeline()
    {
        using var k = new Kit();
        k.FollowUser("ann", "zoe", 1);
        k.FollowUser("bob", "zoe", 2);
        k.Tweet(10, "zoe", "hello", 10);
        k.Tweet(11, "zoe", "oops", 11);
        k.DeleteTweet(11, 12);
        Assert.Equal("10", k.Show("ann"));
        Assert.Equal("10", k.Show("bob"));
        k.DeleteTweet(10, 13);
        Assert.Empty(k.Timelines());
    }

    [Fact]
    public void Follow_AddsFolloweesTweets_AndUnfollowRemovesThem()
    {
        using var k = new Kit();
        k.Tweet(1, "zoe", "z1", 1);
        k.Tweet(2, "yan", "y1", 2);
        k.Tweet(3, "zoe", "z2", 3);
        k.FollowUser("ann", "zoe", 4);
        Assert.Equal("3 1", k.Show("ann"));
        k.FollowUser("ann", "yan", 5);
        Assert.Equal("3 2 1", k.Show("ann"));
        k.Unfollow("ann", "zoe", 6);
        Assert.Equal("2", k.Show("ann"));
        k.Unfollow("ann", "yan", 7);
        Assert.Equal("", k.Show("ann"));
    }

    [Fact]
    public void CappedTimeline_PromotesOlderTweet_WhenShownTweetIsDeleted()
    {
        using var k = new Kit(limit: 2);
        k.FollowUser("ann", "zoe", 1);
        k.Tweet(1, "zoe", "a", 1);
        k.Tweet(2, "zoe", "b", 2);
        k.Tweet(3, "zoe", "c", 3);
        Assert.Equal("3 2", k.Show("ann"));
        k.DeleteTweet(3, 4);
        Assert.Equal("2 1", k.Show("ann"));
    }

    [Fact]
    public void EditedTweet_MovesToNewSendersFollowers()
    {
        using var k = new Kit();
        k.FollowUser("ann", "zoe", 1);
        k.FollowUser("bob", "yan", 2);
        k.Tweet(1, "zoe", "mine", 3);
        Assert.Equal("1", k.Show("ann"));
        k.Tweet(1, "yan", "now yours", 4);
        Assert.Equal("", k.Show("ann"));
        Assert.Equal("1", k.Show("bob"));
        Assert.Equal("now yours", k.Timelines()["bob"][0].Text);
    }
}
