using Braid.Embedded;

namespace Braid.Postgres.Tests;

[Collection(PgCollection.Name)]
public sealed class ErrorTests(PgCluster pg)
{
    private static async Task<PostgresSourceException> StartFails(string cs, TempDir dir)
    {
        var source = Shop.Source(cs);
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        return await Assert.ThrowsAsync<PostgresSourceException>(async () => await (await source.StartAsync(app)).DisposeAsync());
    }

    [Fact]
    public async Task A_missing_publication_is_named_with_the_statement_that_creates_it()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, "CREATE TABLE products(id int PRIMARY KEY, category text NOT NULL, price numeric(12,2) NOT NULL, name text);");
        using var dir = new TempDir();
        var e = await StartFails(cs, dir);
        Assert.Equal(PostgresProblem.MissingPublication, e.Problem);
        Assert.Contains("CREATE PUBLICATION \"braid_products\" FOR TABLE \"public\".\"products\"", e.Message, StringComparison.Ordinal);
        await Db.ExecAsync(cs, "CREATE PUBLICATION braid_products FOR TABLE products; ALTER PUBLICATION braid_products DROP TABLE products;");
        e = await StartFails(cs, dir);
        Assert.Contains("does not publish public.products", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_without_key_or_with_replica_identity_nothing_is_refused()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, "CREATE TABLE products(id int, category text, price numeric, name text); CREATE PUBLICATION braid_products FOR TABLE products;");
        using var dir = new TempDir();
        var e = await StartFails(cs, dir);
        Assert.Equal(PostgresProblem.MissingReplicaIdentity, e.Problem);
        Assert.Contains("no primary key", e.Message, StringComparison.Ordinal);
        await Db.ExecAsync(cs, "ALTER TABLE products ADD PRIMARY KEY (id); ALTER TABLE products REPLICA IDENTITY NOTHING;");
        e = await StartFails(cs, dir);
        Assert.Contains("REPLICA IDENTITY NOTHING", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_table_is_named()
    {
        string cs = pg.NewDatabase();
        using var dir = new TempDir();
        var e = await StartFails(cs, dir);
        Assert.Equal(PostgresProblem.MissingTable, e.Problem);
    }

    [Fact]
    public async Task A_dropped_slot_after_the_snapshot_is_a_lost_slot_with_what_to_do()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products VALUES (1,'books',1,'a');");
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        await using (var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path)))
        {
            await using var replication = await source.StartAsync(app);
        }
        await Db.ExecAsync(cs, "SELECT pg_drop_replication_slot('braid_products');");
        var e = await StartFails(cs, dir);
        Assert.Equal(PostgresProblem.LostSlot, e.Problem);
        Assert.Contains("no longer exists", e.Message, StringComparison.Ordinal);
        Assert.Contains("delete the application's state directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unfinished_snapshot_is_taken_again_and_rows_deleted_meanwhile_are_removed()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products VALUES (1,'books',1,'a'),(2,'toys',2,'b');");
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        await using (var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path)))
        {
            await using var replication = await source.StartAsync(app);
        }
        // Simulate a crash before the snapshot was complete: the marker is gone, the rows are in the topic.
        foreach (var f in Directory.GetFiles(Path.Combine(dir.Path, "shop", "postgres"))) File.Delete(f);
        await Db.ExecAsync(cs, "DELETE FROM products WHERE id = 2; INSERT INTO products VALUES (3,'food',3,'c');");
        await using (var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path)))
        {
            await using var replication = await source.StartAsync(app);
            Assert.Equal(3, replication.SnapshotRows); // rows 1 and 3, and a delete of 2
            await app.StartAsync();
            await SnapshotAndStreamingTests.CaughtUp(app, replication);
            Assert.Equal(Db.Show(await Db.ProductsAsync(cs)), Db.Show(Db.Table(app)));
            Assert.Equal(Db.Show(await Db.TotalsAsync(cs)), Db.Show(Db.Totals(app)));
        }
    }
}
