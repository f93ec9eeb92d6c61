using Braid.Embedded;
using Xunit.Abstractions;

namespace Braid.Postgres.Tests;

[Collection(PgCollection.Name)]
public sealed class PropertyTests(PgCluster pg, ITestOutputHelper output)
{
    /// <summary>
    /// Random batches (single statements or transactions; inserts, updates, key changes, deletes, truncates);
    /// after every batch the table must equal SELECT * and the per-category aggregate must equal the
    /// database's count and sum. Halfway the application is closed and reopened (resume from the slot).
    /// Replay with BRAID_PG_SEED=&lt;seed&gt;.
    /// </summary>
    [Fact]
    public async Task Table_and_aggregate_equal_the_database_after_every_random_batch()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BRAID_PG_SEED"), out int s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay: BRAID_PG_SEED={seed})");
        var workload = new RandomWorkload(seed);
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable);
        for (int i = 0; i < 3; i++) await Db.ExecAsync(cs, workload.NextBatch(20, allowTruncate: false));
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        for (int run = 0; run < 2; run++)
        {
            await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
            await using var replication = await source.StartAsync(app);
            await app.StartAsync();
            for (int batch = 0; batch < 8; batch++)
            {
                await Db.ExecAsync(cs, workload.NextBatch(1 + batch % 7));
                await SnapshotAndStreamingTests.CaughtUp(app, replication);
                var want = Db.Show(await Db.ProductsAsync(cs));
                Assert.True(want == Db.Show(Db.Table(app)), $"seed {seed}, run {run}, batch {batch}: table\n want {want}\n got  {Db.Show(Db.Table(app))}");
                Assert.True(Db.Show(await Db.TotalsAsync(cs)) == Db.Show(Db.Totals(app)), $"seed {seed}, run {run}, batch {batch}: totals\n want {Db.Show(await Db.TotalsAsync(cs))}\n got  {Db.Show(Db.Totals(app))}");
            }
        }
    }
}
