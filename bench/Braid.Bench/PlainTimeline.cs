namespace Braid.Bench;

/// <summary>
/// The timeline workload's limit row: the same maintained view (tweets ⋈ follows on sender = followee, grouped by
/// follower, newest <see cref="TimelineWorkload.Limit"/> first) hand-written on dictionaries and sorted sets, one event
/// at a time, no serdes. Each follower keeps every live tweet of its followees ordered newest first (so an unfollow or a
/// delete can refill the top 50); every change to a follower's top 50 is one output, as Braid's Collect emits one
/// update per changed group. The first run checks its final timelines against the same model as Braid's rows.
/// </summary>
internal static class PlainTimeline
{
    public static (Action Run, Func<long> Outputs) Prepare(TimelineWorkload.Event[] events, bool verify)
    {
        var view = new View();
        return (() =>
        {
            foreach (var e in events) view.Process(e);
            if (verify) TimelineWorkload.Check(events, view.Timelines());
        }, () => view.Outputs);
    }

    /// <summary>A follower's lines: the newest <see cref="TimelineWorkload.Limit"/> (the view) and the rest (to refill it).</summary>
    private sealed class Lines
    {
        private static readonly Comparer<(long Ts, long Id)> NewestFirst = Comparer<(long Ts, long Id)>.Create((a, b) => b.CompareTo(a));
        public readonly SortedSet<(long Ts, long Id)> Top = new(NewestFirst);
        private readonly SortedSet<(long Ts, long Id)> _rest = new(NewestFirst);

        /// <summary>Adds a line; true when the view changed.</summary>
        public bool Add((long Ts, long Id) line)
        {
            if (Top.Count < TimelineWorkload.Limit) return Top.Add(line);
            if (NewestFirst.Compare(line, Top.Max) >= 0)
            {
                _rest.Add(line);
                return false;
            }
            if (!Top.Add(line)) return false;
            var oldest = Top.Max;
            Top.Remove(oldest);
            _rest.Add(oldest);
            return true;
        }

        /// <summary>Removes a line; true when the view changed (then the newest of the rest moves up).</summary>
        public bool Remove((long Ts, long Id) line)
        {
            if (!Top.Remove(line))
            {
                _rest.Remove(line);
                return false;
            }
            if (_rest.Count > 0)
            {
                var next = _rest.Min;
                _rest.Remove(next);
                Top.Add(next);
            }
            return true;
        }
    }

    private sealed class View
    {
        private readonly Dictionary<long, Tweet> _tweets = new();
        private readonly Dictionary<string, HashSet<long>> _tweetsBySender = new();
        private readonly Dictionary<string, HashSet<string>> _followers = new();
        private readonly Dictionary<string, Lines> _timelines = new();
        public long Outputs;

        public void Process(TimelineWorkload.Event e)
        {
            if (e.IsTweet) Tweet(e.TweetId, e.Tweet);
            else if (e.Value is null) Unfollow(e.Follow);
            else Follow(e.Follow);
        }

        private void Tweet(long id, Tweet? tweet)
        {
            if (_tweets.Remove(id, out var old))
            {
                _tweetsBySender[old.Sender].Remove(id);
                foreach (var f in Followers(old.Sender)) Change(f, (old.Timestamp, id), add: false);
            }
            if (tweet is null) return;
            _tweets[id] = tweet;
            Get(_tweetsBySender, tweet.Sender).Add(id);
            foreach (var f in Followers(tweet.Sender)) Change(f, (tweet.Timestamp, id), add: true);
        }

        private void Follow(Follow f)
        {
            if (!Get(_followers, f.Followee).Add(f.Follower)) return;
            foreach (var id in Get(_tweetsBySender, f.Followee)) Change(f.Follower, (_tweets[id].Timestamp, id), add: true);
        }

        private void Unfollow(Follow f)
        {
            if (!Get(_followers, f.Followee).Remove(f.Follower)) return;
            foreach (var id in Get(_tweetsBySender, f.Followee)) Change(f.Follower, (_tweets[id].Timestamp, id), add: false);
        }

        private IEnumerable<string> Followers(string user) => _followers.TryGetValue(user, out var s) ? s : [];

        /// <summary>Adds or removes one line; an output when it lands in (or leaves) the newest <see cref="TimelineWorkload.Limit"/>.</summary>
        private void Change(string follower, (long Ts, long Id) line, bool add)
        {
            if (!_timelines.TryGetValue(follower, out var t)) _timelines[follower] = t = new Lines();
            if (add) Outputs += t.Add(line) ? 1 : 0;
            else Outputs += t.Remove(line) ? 1 : 0;
        }

        public Dictionary<string, string> Timelines() => _timelines
            .Where(t => t.Value.Top.Count > 0)
            .ToDictionary(t => t.Key, t => string.Join(" ", t.Value.Top.Select(x => x.Id)));
        private static HashSet<T> Get<T>(Dictionary<string, HashSet<T>> d, string key) =>
            d.TryGetValue(key, out var s) ? s : d[key] = new HashSet<T>();
    }
}
