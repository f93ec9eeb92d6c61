using Braid.Samples.Timelines;

namespace Braid.Samples.Tests;

public sealed class TimelinesDemoTests
{
    private readonly DemoScriptRun _run = DemoHarness.Run(TimelinesDemo.Create()).Scripts.Single();

    [Fact]
    public void Timelines_FollowTweetsDeletesFollowsAndUnfollows_NewestFirst()
    {
        Assert.Equal(
        [
            "#3 timelines ann → zoe: hello @12:02:00",
            "#3 timelines bob → zoe: hello @12:02:00",
            "#5 timelines ann → zoe: lunch? · zoe: hello @12:04:00",
            "#5 timelines bob → zoe: lunch? · zoe: hello @12:04:00",
            "#6 timelines ann → zoe: hello @12:05:00",
            "#6 timelines bob → zoe: hello @12:05:00",
            "#7 timelines ann → yan: first! · zoe: hello @12:06:00",
            "#8 timelines ann → yan: coffee · yan: first! · zoe: hello @12:07:00",
            "#9 timelines bob → (tombstone) @12:08:00",
        ], DemoHarness.Lines(_run));
    }

    [Fact]
    public void TweetOfSomeoneNobodyFollows_ChangesNoTimeline()
    {
        Assert.Empty(_run.Steps.Single(s => s.Number == 4).Outputs);
    }
}
