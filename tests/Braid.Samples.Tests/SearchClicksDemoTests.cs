using Braid.Samples.SearchClicks;

namespace Braid.Samples.Tests;

public sealed class SearchClicksDemoTests
{
    private readonly DemoScriptRun _run = DemoHarness.Run(SearchClicksDemo.Create()).Scripts.Single();

    [Fact]
    public void Outcomes_ClickedAtOnce_UnmatchedOnlyWhenTheWindowCloses()
    {
        Assert.Equal(
        [
            "#2 search-outcomes s1 → clicked result \"laptop\" shop.example/b @12:00:40",
            "#5 search-outcomes s3 → clicked a URL not in the results \"phone\" news.example/x @12:03:00",
            "#7 search-outcomes s2 → not clicked \"laptop\" @12:01:00",
            "#7 search-outcomes s4 → click with no matching search shop.example/a @12:04:00",
            "#8 search-outcomes s2 → click with no matching search shop.example/a @12:09:00",
            "#9 search-outcomes s5 → clicked result \"laptop\" shop.example/a @12:12:30",
        ], DemoHarness.Lines(_run).Where(l => l.Contains("search-outcomes")));
    }

    [Fact]
    public void ClickThrough_PerUrlAndTenMinuteWindow_IsEmittedOnceWhenTheWindowCloses()
    {
        Assert.Equal(
        [
            "#8 click-through-per-url shop.example/a 12:00:00–12:10:00 → 0/2 = 0% @12:01:00",
            "#8 click-through-per-url shop.example/b 12:00:00–12:10:00 → 1/2 = 50% @12:01:00",
            "#8 click-through-per-url shop.example/p 12:00:00–12:10:00 → 0/1 = 0% @12:02:00",
            "#10 click-through-per-url shop.example/a 12:10:00–12:20:00 → 1/1 = 100% @12:12:30",
        ], DemoHarness.Lines(_run).Where(l => l.Contains("click-through-per-url")));
    }

    [Fact]
    public void LastSearchAndItsRateWindow_StayOpen_BecauseNothingLaterClosesThem()
    {
        Assert.DoesNotContain(DemoHarness.Lines(_run), l => l.Contains("\"tablet\"") || l.Contains("shop.example/t"));
    }
}
