using Braid.Serialization;

namespace Braid.Samples.SearchClicks;

/// <summary>A search: the keyword a session typed and the result URLs it was shown.</summary>
public sealed record Search(string Keyword, IReadOnlyList<string> Urls)
{
    public string Show() => $"\"{Keyword}\" → {string.Join(", ", Urls)}";
}

/// <summary>A click on a URL, in a session.</summary>
public sealed record Click(string Url);

/// <summary>What became of a search or a click once the join has seen both sides (or its window closed).</summary>
public sealed record SearchOutcome(string Kind, string? Keyword, string? Url)
{
    public const string Clicked = "clicked result";
    public const string ClickedOther = "clicked a URL not in the results";
    public const string NotClicked = "not clicked";
    public const string NoSearch = "click with no matching search";

    public static SearchOutcome Of(Search? search, Click? click) => (search, click) switch
    {
        ({ } s, { } c) when s.Urls.Contains(c.Url) => new(Clicked, s.Keyword, c.Url),
        ({ } s, { } c) => new(ClickedOther, s.Keyword, c.Url),
        ({ } s, null) => new(NotClicked, s.Keyword, null),
        (null, { } c) => new(NoSearch, null, c.Url),
        _ => throw new ArgumentException("an outer join always has one side"),
    };

    public string Show() => Kind + (Keyword is null ? "" : $" \"{Keyword}\"") + (Url is null ? "" : $" {Url}");
}

/// <summary>Click-through of one URL: how often it was shown in results and how often clicked from them.</summary>
public sealed record ClickThrough(long Shown, long Clicked)
{
    public static readonly ClickThrough None = new(0, 0);

    public ClickThrough Add(ClickThrough other) => new(Shown + other.Shown, Clicked + other.Clicked);

    public string Show() => $"{Clicked}/{Shown} = {(Shown == 0 ? 0 : 100.0 * Clicked / Shown):0}%";
}

/// <summary>
/// Search → click-through: search and click events of the same session are joined within a window; every
/// search and click ends up with an outcome, and the outcomes feed a click-through rate per URL.
/// </summary>
public static class SearchClicksDemo
{
    public static readonly TimeSpan ClickWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(10);

    public static readonly DemoTopic<string, Search> Searches = new("searches", Serdes.String, Serdes.Json<Search>(), s => s.Show());
    public static readonly DemoTopic<string, Click> Clicks = new("clicks", Serdes.String, Serdes.Json<Click>(), c => c.Url);
    public static readonly DemoTopic<string, SearchOutcome> Outcomes = new("search-outcomes", Serdes.String, Serdes.Json<SearchOutcome>(), o => o.Show());
    public static readonly DemoTopic<Windowed<string>, ClickThrough> Ctr = new(
        "click-through-per-url", WindowedSerdes.TimeWindowed(Serdes.String, RateWindow), Serdes.Json<ClickThrough>(), c => c.Show(),
        w => $"{w.Key} {DemoClock.Show(w.Window.Start)}–{DemoClock.Show(w.Window.End)}");

    public static Topology Build()
    {
        var builder = new StreamsBuilder();
        var searches = builder.Stream(Searches.Name, Consumed.With(Searches.KeySerde, Searches.ValueSerde));
        var clicks = builder.Stream(Clicks.Name, Consumed.With(Clicks.KeySerde, Clicks.ValueSerde));

        // Both streams are keyed by session id. A click counts for a search made up to five minutes
        // before it; an outer join also reports searches nobody clicked and clicks without a search,
        // once the window has closed (stream time past the window end).
        var outcomes = searches.OuterJoin(clicks, SearchOutcome.Of,
            JoinWindows.OfTimeDifferenceWithNoGrace(ClickWindow).Before(TimeSpan.Zero));
        outcomes.To(Outcomes.Name, Produced.With(Outcomes.KeySerde, Outcomes.ValueSerde));

        // Click-through per URL and ten-minute window: every URL shown in results is an impression, every
        // clicked result a click. Suppression emits each window once, when it has closed, so the rate is final.
        var shown = searches.FlatMap((_, s) => s!.Urls.Select(url => KeyValue.Pair(url, new ClickThrough(1, 0))));
        var clicked = outcomes
            .Filter((_, o) => o!.Kind == SearchOutcome.Clicked)
            .Map((_, o) => KeyValue.Pair(o!.Url!, new ClickThrough(0, 1)));
        shown.Merge(clicked)
            .GroupByKey(new Grouped<string, ClickThrough> { KeySerde = Serdes.String, ValueSerde = Ctr.ValueSerde })
            .WindowedBy(TimeWindows.OfSizeWithNoGrace(RateWindow))
            .Aggregate(() => ClickThrough.None, (_, add, total) => total.Add(add), Materialized.As<string, ClickThrough>("click-through"))
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()))
            .ToStream()
            .To(Ctr.Name, Produced.With(Ctr.KeySerde, Ctr.ValueSerde));
        return builder.Build();
    }

    public static Demo Create()
    {
        long t(int minute, int second = 0) => DemoClock.At(minute, second);
        DemoStep[] steps =
        [
            Searches.Record("s1", new Search("laptop", ["shop.example/a", "shop.example/b"]), t(0)),
            Clicks.Record("s1", new Click("shop.example/b"), t(0, 40)),
            Searches.Record("s2", new Search("laptop", ["shop.example/a", "shop.example/b"]), t(1)),
            Searches.Record("s3", new Search("phone", ["shop.example/p"]), t(2)),
            Clicks.Record("s3", new Click("news.example/x"), t(3)),
            Clicks.Record("s4", new Click("shop.example/a"), t(4), "no search in session s4"),
            Clicks.Record("s2", new Click("shop.example/a"), t(9), "too late: s2 searched at 12:01"),
            Searches.Record("s5", new Search("laptop", ["shop.example/a"]), t(12), "time moves on: the join windows of s1–s4 and the 12:00 rate window close"),
            Clicks.Record("s5", new Click("shop.example/a"), t(12, 30)),
            Searches.Record("s6", new Search("tablet", ["shop.example/t"]), t(20), "closes the join window of s5 and the 12:10 rate window"),
        ];

        return new Demo(
            "search-clicks",
            "Search → click-through: a windowed stream–stream join",
            """
            A search event (session, keyword, result URLs) and a click event (session, URL) share the session id.
            Braid keeps both streams in window stores and joins a click with the session's search when it comes
            at most five minutes after it. A click on one of the results is a "clicked result"; when the window
            closes without a match (stream time has moved past it), the search is reported "not clicked" and a
            lone click "click with no matching search". Impressions and clicked results then add up to a
            click-through rate per URL and ten-minute window, emitted once per window when it closes.
            """,
            [new DemoScript("searches ⋈ clicks (5-minute window) → outcomes → click-through per URL and 10 minutes", Build, steps, [Outcomes, Ctr], TableTopic: Ctr.Name)]);
    }
}
