using Braid.Embedded;
using Xunit.Abstractions;

namespace Braid.Postgres.Tests;

[Collection(PgCollection.Name)]
public sealed class SnapshotAndStreamingTests(PgCluster pg, ITestOutputHelper output)
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Snapshot_then_inserts_updates_deletes_make_the_table_equal_to_the_database()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products VALUES (1,'books',10.50,'a'),(2,'games',20,'b'),(3,'books',5.25,NULL);");
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        Assert.Equal(3, replication.SnapshotRows);
        await app.StartAsync();
        await Db.ExecAsync(cs, "INSERT INTO products VALUES (4,'toys',1,'d'); UPDATE products SET price = 11 WHERE id = 1; DELETE FROM products WHERE id = 2;");
        await CaughtUp(app, replication);
        Assert.Equal(Db.Show(await Db.ProductsAsync(cs)), Db.Show(Db.Table(app)));
        Assert.Equal(Db.Show(await Db.TotalsAsync(cs)), Db.Show(Db.Totals(app)));
    }

    [Fact]
    public async Task Primary_key_changes_move_the_row_and_truncate_empties_the_table()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products VALUES (1,'books',10,'a'),(2,'games',20,'b');");
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        await app.StartAsync();
        await Db.ExecAsync(cs, "UPDATE products SET id = 10 WHERE id = 1; UPDATE products SET id = 1, price = 21 WHERE id = 2;");
        await CaughtUp(app, replication);
        Assert.Equal("1=Product { Id = 1, Category = games, Price = 21.00, Name = b }; 10=Product { Id = 10, Category = books, Price = 10.00, Name = a }", Db.Show(Db.Table(app)));
        Assert.Equal(Db.Show(await Db.TotalsAsync(cs)), Db.Show(Db.Totals(app)));
        // A truncate and inserts in one transaction: the inserts survive the truncate's deletes.
        await Db.ExecAsync(cs, "BEGIN; INSERT INTO products VALUES (5,'toys',3,'e'); TRUNCATE products; INSERT INTO products VALUES (6,'toys',4,'f'); COMMIT;");
        await CaughtUp(app, replication);
        Assert.Equal("6=Product { Id = 6, Category = toys, Price = 4.00, Name = f }", Db.Show(Db.Table(app)));
        Assert.Equal("toys=CategoryTotals { Count = 1, Sum = 4.00 }", Db.Show(Db.Totals(app)));
    }

    [Fact]
    public async Task Restart_resumes_from_the_slot_without_a_new_snapshot_and_sees_changes_made_while_down()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products VALUES (1,'books',10,'a');");
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        await using (var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path)))
        {
            await using var replication = await source.StartAsync(app);
            await app.StartAsync();
            await Db.ExecAsync(cs, "INSERT INTO products VALUES (2,'books',1,'b');");
            await CaughtUp(app, replication);
        }
        await Db.ExecAsync(cs, "UPDATE products SET price = 99 WHERE id = 1; INSERT INTO products VALUES (3,'toys',7,'c');");
        await using (var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path)))
        {
            await using var replication = await source.StartAsync(app);
            Assert.Equal(0, replication.SnapshotRows);
            await app.StartAsync();
            await CaughtUp(app, replication);
            Assert.Equal(Db.Show(await Db.ProductsAsync(cs)), Db.Show(Db.Table(app)));
            Assert.Equal(Db.Show(await Db.TotalsAsync(cs)), Db.Show(Db.Totals(app)));
            output.WriteLine($"streamed after restart: {replication.StreamedChanges}");
            Assert.Equal(2, replication.StreamedChanges);
        }
    }

    internal static async Task CaughtUp(BraidApplication app, PostgresReplication replication)
    {
        using var cts = new CancellationTokenSource(Idle);
        await replication.SyncAsync(cts.Token);
        await app.WaitForIdleAsync(Idle);
    }
}
