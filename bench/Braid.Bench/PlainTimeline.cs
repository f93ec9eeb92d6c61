using System.Runtime.InteropServices;

namespace Braid.Bench;

/// <summary>
/// The timeline workload's limit row: the same maintained view (tweets ⋈ follows on sender = followee, grouped by
/// follower, newest <see cref="TimelineWorkload.Limit"/> first) hand-written on dictionaries and sorted arrays, one event
/// at a time, no serdes. Each follower keeps every live line of its followees in one array ordered oldest first (so an
/// unfollow or a delete can refill the newest 50, and a new tweet — the newest line — is an append); every change to
/// a follower's newest 50 is one output, as Braid's Collect emits one update per changed group. A follow or unfollow
/// walks the followee's tweets in tweet-id order, the order Braid's many-to-many join sends them (its index scan),
/// because the number of outputs depends on it (oldest first, each added line lands in the newest 50). The first run
/// checks its final timelines against the same model as Braid's rows; <c>BENCH_TIMELINE_STATS=1</c> prints the fan-out.
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
            if (verify && Environment.GetEnvironmentVariable("BENCH_TIMELINE_STATS") == "1") Console.Error.WriteLine(view.Stats(events.Length));
        }, () => view.Outputs);
    }

    /// <summary>A timeline line: its sort key (tweet time, then id; newest = largest).</summary>
    private readonly record struct Line(long Ts, long Id) : IComparable<Line>
    {
        public int CompareTo(Line other) => Ts != other.Ts ? Ts.CompareTo(other.Ts) : Id.CompareTo(other.Id);
    }

    /// <summary>A follower's lines, oldest first; the view is the last <see cref="TimelineWorkload.Limit"/>.</summary>
    private sealed class Lines
    {
        public readonly List<Line> All = new();

        /// <summary>Adds a line; true when the view (the newest Limit) changed.</summary>
        public bool Add(Line line)
        {
            int at = All.Count > 0 && All[^1].CompareTo(line) < 0 ? All.Count : ~CollectionsMarshal.AsSpan(All).BinarySearch(line);
            if (at < 0) return false; // already there
            All.Insert(at, line);
            return at >= All.Count - TimelineWorkload.Limit;
        }

        /// <summary>Removes a line; true when the view changed (it was one of the newest Limit: the next one moves up).</summary>
        public bool Remove(Line line)
        {
            int at = CollectionsMarshal.AsSpan(All).BinarySearch(line);
            if (at < 0) return false;
            bool shown = at >= All.Count - TimelineWorkload.Limit;
            All.RemoveAt(at);
            return shown;
        }
    }

    private sealed class View
    {
        private readonly Dictionary<long, (string Sender, long Ts)> _tweets = new();
        private readonly Dictionary<string, List<Line>> _tweetsBySender = new(); // by id, ascending
        private readonly Dictionary<string, HashSet<string>> _followers = new();
        private readonly Dictionary<string, Lines> _timelines = new();
        public long Outputs;
        private long _lineChanges, _tweetEvents, _tweetLineChanges, _followEvents, _followLineChanges;

        public void Process(TimelineWorkload.Event e)
        {
            if (e.IsTweet) Tweet(e.TweetId, e.Tweet);
            else if (e.Value is null) Follow(e.Follow, add: false);
            else Follow(e.Follow, add: true);
        }

        private void Tweet(long id, Tweet? tweet)
        {
            _tweetEvents++;
            long before = _lineChanges;
            if (_tweets.Remove(id, out var old))
            {
                var sent = _tweetsBySender[old.Sender];
                sent.RemoveAt(CollectionsMarshal.AsSpan(sent).BinarySearch(new Line(old.Ts, id), ById.Instance));
                if (_followers.TryGetValue(old.Sender, out var fs))
                    foreach (var f in fs) Change(Timeline(f), new Line(old.Ts, id), add: false);
            }
            if (tweet is not null)
            {
                _tweets[id] = (tweet.Sender, tweet.Timestamp);
                var sent = Get(_tweetsBySender, tweet.Sender);
                var line = new Line(tweet.Timestamp, id);
                if (sent.Count == 0 || sent[^1].Id < id) sent.Add(line);
                else sent.Insert(~CollectionsMarshal.AsSpan(sent).BinarySearch(line, ById.Instance), line);
                if (_followers.TryGetValue(tweet.Sender, out var fs))
                    foreach (var f in fs) Change(Timeline(f), line, add: true);
            }
            _tweetLineChanges += _lineChanges - before;
        }

        private void Follow(Follow f, bool add)
        {
            _followEvents++;
            var followers = Get(_followers, f.Followee);
            if (!(add ? followers.Add(f.Follower) : followers.Remove(f.Follower))) return;
            if (!_tweetsBySender.TryGetValue(f.Followee, out var sent) || sent.Count == 0) return;
            var timeline = Timeline(f.Follower);
            foreach (var line in CollectionsMarshal.AsSpan(sent)) Change(timeline, line, add);
            _followLineChanges += sent.Count;
        }

        private Lines Timeline(string follower)
        {
            ref var t = ref CollectionsMarshal.GetValueRefOrAddDefault(_timelines, follower, out _);
            return t ??= new Lines();
        }

        /// <summary>Adds or removes one line; an output when it lands in (or leaves) the newest <see cref="TimelineWorkload.Limit"/>.</summary>
        private void Change(Lines t, Line line, bool add)
        {
            _lineChanges++;
            if (add ? t.Add(line) : t.Remove(line)) Outputs++;
        }

        public Dictionary<string, string> Timelines() => _timelines
            .Where(t => t.Value.All.Count > 0)
            .ToDictionary(t => t.Key, t => string.Join(" ", Enumerable.Reverse(t.Value.All).Take(TimelineWorkload.Limit).Select(x => x.Id)));

        public string Stats(int events)
        {
            var sizes = _timelines.Values.Select(t => t.All.Count).Where(n => n > 0).OrderBy(n => n).ToList();
            return $"timeline stats: {events} events ({_tweetEvents} tweet events, {_followEvents} follow events); " +
                $"line changes {_lineChanges} ({(double)_lineChanges / events:F1}/event; per tweet event {(double)_tweetLineChanges / Math.Max(1, _tweetEvents):F1}, " +
                $"per follow event {(double)_followLineChanges / Math.Max(1, _followEvents):F1}); outputs {Outputs} ({(double)Outputs / events:F2}/event); " +
                $"followers with lines {sizes.Count}, lines per follower at the end: median {sizes[sizes.Count / 2]}, max {sizes[^1]}";
        }

        private static List<T> Get<T>(Dictionary<string, List<T>> d, string key) =>
            d.TryGetValue(key, out var s) ? s : d[key] = new List<T>();

        private static HashSet<string> Get(Dictionary<string, HashSet<string>> d, string key) =>
            d.TryGetValue(key, out var s) ? s : d[key] = new HashSet<string>();
    }

    /// <summary>A sender's tweets in id order (the order Braid's join scans them).</summary>
    private sealed class ById : IComparer<Line>
    {
        public static readonly ById Instance = new();
        public int Compare(Line a, Line b) => a.Id.CompareTo(b.Id);
    }
}
