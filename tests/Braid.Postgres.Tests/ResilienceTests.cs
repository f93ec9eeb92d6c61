using System.Buffers.Binary;
using Braid.Embedded;
using Braid.Serialization;
using Npgsql;
using Xunit.Abstractions;

namespace Braid.Postgres.Tests;

/// <summary>Lost connections, a slot lost while disconnected, and WAL kept moving while the table is idle.</summary>
[Collection(PgCollection.Name)]
public sealed class ResilienceTests(PgCluster pg, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Terminated_wal_senders_reconnect_and_the_copy_neither_loses_nor_repeats_a_change()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products SELECT g, 'c' || (g % 5), g, NULL FROM generate_series(1, 50) g;");
        using var dir = new TempDir();
        var source = new PostgresTableSource<int, Product>(Shop.SourceOptions(cs) with
        {
            Reconnect = new PostgresReconnect { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(400) },
        });
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        await app.StartAsync();
        // Changes keep coming while the WAL sender is killed three times; each batch is one transaction.
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            int i = 0;
            while (!writing.IsCancellationRequested)
            {
                await Db.ExecAsync(cs, $"UPDATE products SET price = price + 1 WHERE id % 7 = {i % 7}; INSERT INTO products VALUES ({1000 + i}, 'c{i % 5}', {i}, 'n'); DELETE FROM products WHERE id = {1 + i % 50};");
                i++;
                await Task.Delay(5);
            }
            return i;
        });
        for (int kill = 0; kill < 3; kill++)
        {
            await Task.Delay(300);
            await TerminateWalSenderAsync(cs, "braid_products");
            await WaitUntil(() => replication.Reconnects > kill, "a reconnect");
        }
        await Task.Delay(200);
        await writing.CancelAsync();
        int batches = await writer;
        await SnapshotAndStreamingTests.CaughtUp(app, replication);
        Assert.Equal(Db.Show(await Db.ProductsAsync(cs)), Db.Show(Db.Table(app)));
        Assert.Equal(Db.Show(await Db.TotalsAsync(cs)), Db.Show(Db.Totals(app)));
        var positions = app.CreateReader(source.Topic, Serdes.ByteArray, Serdes.ByteArray).ReadToEnd()
            .Select(r => r.Headers!.TryGetLast("braid.pg.position", out var h) ? h.Value! : throw new InvalidOperationException("no position"))
            .Where(p => BinaryPrimitives.ReadUInt64BigEndian(p) != 0)
            .Select(Convert.ToHexString).ToList();
        output.WriteLine($"batches: {batches}, reconnects: {replication.Reconnects}, streamed: {positions.Count}, duplicated: {positions.Count - positions.Distinct().Count()}");
        Assert.True(replication.Reconnects >= 3, $"reconnects: {replication.Reconnects}");
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.False(replication.Completion.IsCompleted);
    }

    [Fact]
    public async Task Without_reconnects_a_lost_connection_ends_completion_with_the_error()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable);
        using var dir = new TempDir();
        var source = new PostgresTableSource<int, Product>(Shop.SourceOptions(cs) with { Reconnect = PostgresReconnect.Never });
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        await TerminateWalSenderAsync(cs, "braid_products");
        var done = await Task.WhenAny(replication.Completion, Task.Delay(Wait));
        Assert.Same(replication.Completion, done);
        Assert.True(replication.Completion.IsFaulted);
        Assert.Equal(0, replication.Reconnects);
    }

    [Fact]
    public async Task A_slot_dropped_while_disconnected_ends_completion_with_lost_slot()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable);
        using var dir = new TempDir();
        var source = new PostgresTableSource<int, Product>(Shop.SourceOptions(cs) with
        {
            Reconnect = new PostgresReconnect { InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(2) },
        });
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        // The source reconnects 2 s after its walsender ends: on a loaded machine it can take the slot back between
        // "released" and the drop (55006 "is active for PID"), so the drop is retried after another termination.
        for (int attempt = 1; ; attempt++)
        {
            await TerminateWalSenderAsync(cs, "braid_products");
            await WaitUntilAsync(async () => await ScalarAsync<bool?>(cs, "SELECT NOT active FROM pg_replication_slots WHERE slot_name = 'braid_products'") == true, "the slot released");
            try
            {
                await Db.ExecAsync(cs, "SELECT pg_drop_replication_slot('braid_products')");
                break;
            }
            catch (PostgresException inUse) when (inUse.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 5)
            {
                output.WriteLine($"drop attempt {attempt}: {inUse.MessageText}; the source took the slot back first");
            }
        }
        var done = await Task.WhenAny(replication.Completion, Task.Delay(Wait));
        Assert.Same(replication.Completion, done);
        var e = await Assert.ThrowsAsync<PostgresSourceException>(() => replication.Completion);
        Assert.Equal(PostgresProblem.LostSlot, e.Problem);
        Assert.Contains("pg_drop_replication_slot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeats_move_the_slot_past_other_tables_traffic_while_the_table_is_idle()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "CREATE TABLE other(id int PRIMARY KEY, v text);");
        using var dir = new TempDir();
        var source = new PostgresTableSource<int, Product>(Shop.SourceOptions(cs) with { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        await app.StartAsync();
        await Db.ExecAsync(cs, "INSERT INTO other SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;");
        ulong target = await LsnAsync(cs, "SELECT pg_current_wal_lsn()::text");
        await WaitUntilAsync(async () => await LsnAsync(cs, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'braid_products'") >= target,
            "the slot's confirmed position to pass the other table's writes");
        Assert.True(replication.Heartbeats >= 1);
        Assert.Empty(Db.Table(app));
    }

    [Fact]
    public async Task A_postgres_table_as_a_global_table_enriches_a_stream_and_follows_price_changes()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products VALUES (1,'books',10,'a'),(2,'games',20,'b');");
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        var b = new StreamsBuilder();
        var products = source.AddGlobalTo(b);
        b.Stream("views", Consumed.With(Serdes.String, Serdes.Int32))
            .LeftJoin(products, (_, productId) => productId, (productId, p) => p is null ? $"{productId}:?" : $"{productId}:{p.Price:0.00}")
            .To("enriched", Produced.With(Serdes.String, Serdes.String));
        await using var app = new BraidApplication(b.Build(), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        await app.StartAsync();
        await replication.SyncAsync();
        await app.WaitForIdleAsync(Wait);
        var views = app.CreateProducer("views", Serdes.String, Serdes.Int32);
        views.Send("u1", 1, 100);
        views.Send("u2", 3, 101);
        await app.WaitForIdleAsync(Wait);
        await Db.ExecAsync(cs, "UPDATE products SET price = 12.5 WHERE id = 1; INSERT INTO products VALUES (3,'toys',7,'c'); DELETE FROM products WHERE id = 2;");
        await replication.SyncAsync();
        await app.WaitForIdleAsync(Wait);
        views.Send("u3", 1, 102);
        views.Send("u4", 3, 103);
        views.Send("u5", 2, 104);
        await app.WaitForIdleAsync(Wait);
        var enriched = app.CreateReader("enriched", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value);
        Assert.Equal("1:10.00, 3:?, 1:12.50, 3:7.00, 2:?", string.Join(", ", enriched));
    }

    private static async Task TerminateWalSenderAsync(string cs, string slot)
    {
        await WaitUntilAsync(async () => await ScalarAsync<bool?>(cs, $"SELECT active FROM pg_replication_slots WHERE slot_name = '{slot}'") == true, "the slot active");
        await Db.ExecAsync(cs, $"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{slot}'");
    }

    private static async Task<T?> ScalarAsync<T>(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    private static async Task<ulong> LsnAsync(string cs, string sql)
    {
        string? text = await ScalarAsync<string>(cs, sql);
        if (text is null) return 0;
        var parts = text.Split('/');
        return (Convert.ToUInt64(parts[0], 16) << 32) | Convert.ToUInt64(parts[1], 16);
    }

    private static Task WaitUntil(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {Wait.TotalSeconds} s for {what}");
            await Task.Delay(50);
        }
    }
}
