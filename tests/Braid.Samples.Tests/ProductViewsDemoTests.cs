using Braid.Samples.ProductViews;

namespace Braid.Samples.Tests;

public sealed class ProductViewsDemoTests
{
    private readonly IReadOnlyList<DemoScriptRun> _runs = DemoHarness.Run(ProductViewsDemo.Create()).Scripts;

    [Fact]
    public void KTableJoin_EnrichesViewsKeyedByProduct_AndTheUpdateOnlyChangesLaterViews()
    {
        Assert.Equal(
        [
            "#3 enriched-views prod456 → user123 saw prod456: high-performance laptop, 20000 won, 10 in stock @12:01:00",
            "#4 enriched-views prod789 → user555 saw prod789: USB cable, 900 won, 250 in stock @12:02:00",
            "#6 enriched-views prod456 → user777 saw prod456: high-performance laptop, 18000 won, 9 in stock @12:04:00",
            "#7 enriched-views prod000 → user123 saw prod000: unknown product @12:05:00",
        ], DemoHarness.Lines(_runs[0]));
    }

    [Fact]
    public void GlobalKTableJoin_GivesTheSameEnrichment_KeyedByUser()
    {
        Assert.Equal(
        [
            "#3 enriched-views user123 → user123 saw prod456: high-performance laptop, 20000 won, 10 in stock @12:01:00",
            "#4 enriched-views user555 → user555 saw prod789: USB cable, 900 won, 250 in stock @12:02:00",
            "#6 enriched-views user777 → user777 saw prod456: high-performance laptop, 18000 won, 9 in stock @12:04:00",
            "#7 enriched-views user123 → user123 saw prod000: unknown product @12:05:00",
        ], DemoHarness.Lines(_runs[1]));
    }

    [Fact]
    public void ProductUpdate_EmitsNothingByItself()
    {
        foreach (var run in _runs)
            Assert.Empty(run.Steps.Single(s => s.Number == 5).Outputs);
    }
}
