using Braid.Embedded;
using Braid.Postgres;
using Braid.Samples.ProductViews;
using Braid.Serialization;
using Npgsql;

namespace Braid.Cli;

/// <summary>
/// <c>braid demo product-views --postgres "Host=…"</c>: the study note's stream–table example on a real
/// database. The product table lives in PostgreSQL; Braid keeps a local copy through logical replication
/// and enriches views from it; a price UPDATE made with SQL while views stream in changes the later views.
/// Uses its own table, publication and slot (braid_demo_products), created and dropped by the demo.
/// </summary>
internal static class PostgresDemo
{
    private const string Table = "braid_demo_products";

    public static async Task<IReadOnlyList<string>> RunAsync(string connectionString, TextWriter output, CancellationToken ct)
    {
        var lines = new List<string>();
        void Say(string line)
        {
            lines.Add(line);
            output.WriteLine(line);
        }
        await Sql(connectionString, $"""
            SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{Table}' AND NOT active;
            DROP PUBLICATION IF EXISTS {Table}; DROP TABLE IF EXISTS {Table};
            CREATE TABLE {Table}(id text PRIMARY KEY, price numeric(12,0) NOT NULL, description text NOT NULL, stock int NOT NULL);
            CREATE PUBLICATION {Table} FOR TABLE {Table};
            INSERT INTO {Table} VALUES ('prod456', 20000, 'high-performance laptop', 10), ('prod789', 900, 'USB cable', 250);
            """, ct);
        Say($"PostgreSQL: created {Table} with prod456 and prod789, publication and slot {Table}");
        string dir = Path.Combine(Path.GetTempPath(), "braid-demo-postgres-" + Guid.NewGuid().ToString("N")[..8]);
        var source = new PostgresTableSource<string, Product>(new PostgresTableOptions<string, Product>
        {
            ConnectionString = connectionString,
            Table = $"public.{Table}",
            Publication = Table,
            Slot = Table,
            KeySerde = Serdes.String,
            Materialized = Materialized.As<string, Product>("products-store"),
        });
        var builder = new StreamsBuilder();
        var products = source.AddTo(builder);
        builder.Stream(ProductViewsDemo.Views.Name, Consumed.With(ProductViewsDemo.Views.KeySerde, ProductViewsDemo.Views.ValueSerde))
            .SelectKey((_, view) => view!.ProductId)
            .LeftJoin(products, (view, product) => new EnrichedView(view.UserId, view.ProductId, product))
            .To(ProductViewsDemo.Enriched.Name, Produced.With(Serdes.String, ProductViewsDemo.Enriched.ValueSerde));
        try
        {
            await using var app = new BraidApplication(builder.Build(), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "product-views-postgres" },
                StateDirectory = dir,
                CommitInterval = TimeSpan.FromMilliseconds(20),
            });
            await using var replication = await source.StartAsync(app, ct);
            Say($"snapshot: {replication.SnapshotRows} products copied into the local table; streaming changes from the slot");
            await app.StartAsync(ct);
            var views = app.CreateProducer(ProductViewsDemo.Views.Name, ProductViewsDemo.Views.KeySerde, ProductViewsDemo.Views.ValueSerde);
            var enriched = app.CreateReader(ProductViewsDemo.Enriched.Name, Serdes.String, ProductViewsDemo.Enriched.ValueSerde);
            long now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(); // the demo stamps views with the real time of day
            async Task ViewAsync(string user, string product, int second)
            {
                views.Send(user, new View(user, product), now + second * 1000L);
                await app.WaitForIdleAsync(TimeSpan.FromSeconds(60), ct);
                foreach (var r in enriched.Poll()) Say("  view → " + r.Value!.Show());
            }
            await ViewAsync("user123", "prod456", 1);
            await ViewAsync("user555", "prod789", 2);
            await Sql(connectionString, $"UPDATE {Table} SET price = 18000, stock = 9 WHERE id = 'prod456'", ct);
            Say("SQL: UPDATE braid_demo_products SET price = 18000, stock = 9 WHERE id = 'prod456'");
            await replication.SyncAsync(ct);
            await app.WaitForIdleAsync(TimeSpan.FromSeconds(60), ct);
            await ViewAsync("user777", "prod456", 4);
            await ViewAsync("user123", "prod000", 5);
        }
        finally
        {
            await Sql(connectionString, $"""
                SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{Table}' AND NOT active;
                DROP PUBLICATION IF EXISTS {Table}; DROP TABLE IF EXISTS {Table};
                """, CancellationToken.None);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        Say("cleaned up: table, publication and slot dropped");
        return lines;
    }

    private static async Task Sql(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Runs <see cref="PostgresDemo"/> for the command line and turns its failures into one clear error line.</summary>
internal static class PostgresBackend
{
    public static int Run(Spectre.Console.IAnsiConsole console, string connectionString, CancellationToken ct)
    {
        Spectre.Console.AnsiConsoleExtensions.MarkupLine(console, "[bold]Product views on PostgreSQL[/]: the product table is read from the database through logical replication.");
        try
        {
            PostgresDemo.RunAsync(connectionString, Console.Out, ct).GetAwaiter().GetResult();
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is NpgsqlException or StreamsException or TimeoutException or ArgumentException)
        {
            Console.Error.WriteLine($"error: the PostgreSQL demo failed: {e.Message.ReplaceLineEndings(" ")} See docs/databases.md for the server set-up.");
            return ExitCodes.Failure;
        }
    }
}
