using Braid.Cli;

namespace Braid.Postgres.Tests;

[Collection(PgCollection.Name)]
public sealed class ProductViewsDemoTests(PgCluster pg)
{
    [Fact]
    public async Task A_price_update_made_with_SQL_enriches_the_later_views_only()
    {
        string cs = pg.NewDatabase();
        var lines = await PostgresDemo.RunAsync(cs, TextWriter.Null, CancellationToken.None);
        var views = lines.Where(l => l.StartsWith("  view", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "  view → user123 saw prod456: high-performance laptop, 20000 won, 10 in stock",
            "  view → user555 saw prod789: USB cable, 900 won, 250 in stock",
            "  view → user777 saw prod456: high-performance laptop, 18000 won, 9 in stock",
            "  view → user123 saw prod000: unknown product",
        ], views);
        Assert.Contains("snapshot: 2 products copied into the local table; streaming changes from the slot", lines);
    }
}
