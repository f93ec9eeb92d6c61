using System.Text.Json;
using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Postgres.Tests;

[Collection(PgCollection.Name)]
public sealed class TypeMappingTests(PgCluster pg)
{
    public sealed record Row(
        string Id, decimal Amount, double Ratio, bool Flag, DateTimeOffset At, DateTime Local, Guid Uid,
        JsonElement Doc, int[] Numbers, string?[] Tags, byte[] Raw, decimal?[] Prices, string? Missing);

    private const string Create = """
        CREATE TABLE typed(id text PRIMARY KEY, amount numeric(20,4), ratio float8, flag boolean, at timestamptz, local timestamp,
                           uid uuid, doc jsonb, numbers int[], tags text[], raw bytea, prices numeric[], missing text);
        CREATE PUBLICATION braid_typed FOR TABLE typed;
        """;

    private const string Values = """
        12345678901234.5678, 0.25, true, '2026-03-04 05:06:07.123456+02', '2026-03-04 05:06:07.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
         '{"k": [1, "two", null], "n": 1.50}', '{1,2,3}', '{"a b","c\"d",NULL,"NULL"}', '\x00ff10', '{1.5,NULL}', NULL
        """;

    /// <summary>A row read by the snapshot and the same row streamed must map to the same values (one text path).</summary>
    [Fact]
    public async Task Snapshot_and_streamed_rows_map_each_type_the_same_documented_way()
    {
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Create + $"INSERT INTO typed VALUES ('snap', {Values});");
        using var dir = new TempDir();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var source = new PostgresTableSource<string, Row>(new PostgresTableOptions<string, Row>
        {
            ConnectionString = cs, Table = "typed", Publication = "braid_typed", KeySerde = Serdes.String,
            Materialized = Materialized.As<string, Row>("typed-store"), JsonOptions = json,
        });
        var b = new StreamsBuilder();
        source.AddTo(b);
        await using var app = new BraidApplication(b.Build(), Shop.Options(dir.Path));
        await using var replication = await source.StartAsync(app);
        await app.StartAsync();
        await Db.ExecAsync(cs, $"INSERT INTO typed VALUES ('streamed', {Values});");
        await SnapshotAndStreamingTests.CaughtUp(app, replication);
        var store = app.GetTimestampedKeyValueStore<string, Row>("typed-store");
        if (!store.TryGet("snap", out _) || !store.TryGet("streamed", out _))
        {
            var raw = app.CreateReader(source.Topic, Serdes.String, Serdes.String).ReadToEnd();
            Assert.Fail($"state {app.State}: {app.Error}\n" + string.Join("\n", raw.Select(r => r.Value)));
        }
        Assert.True(store.TryGet("snap", out var snap));
        Assert.True(store.TryGet("streamed", out var streamed));
        foreach (var r in new[] { snap.Value, streamed.Value })
        {
            Assert.Equal(12345678901234.5678m, r.Amount);
            Assert.Equal(0.25, r.Ratio);
            Assert.True(r.Flag);
            Assert.Equal(new DateTimeOffset(2026, 3, 4, 3, 6, 7, TimeSpan.Zero).AddTicks(1234560), r.At);
            Assert.Equal(new DateTime(2026, 3, 4, 5, 6, 7, 500), r.Local);
            Assert.Equal(Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), r.Uid);
            Assert.Equal("""{"k":[1,"two",null],"n":1.50}""", JsonSerializer.Serialize(r.Doc));
            Assert.Equal([1, 2, 3], r.Numbers);
            Assert.Equal(new[] { "a b", "c\"d", null, "NULL" }, r.Tags.AsEnumerable());
            Assert.Equal(new byte[] { 0, 255, 16 }, r.Raw);
            Assert.Equal([1.5m, null], r.Prices);
            Assert.Null(r.Missing);
        }
        Assert.Equal(JsonSerializer.Serialize(snap.Value with { Id = "x" }), JsonSerializer.Serialize(streamed.Value with { Id = "x" }));
    }

    [Fact]
    public async Task A_server_without_logical_wal_level_is_refused_with_how_to_fix_it()
    {
        using var replica = PgCluster.WithWalLevel("replica");
        string cs = replica.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable);
        using var dir = new TempDir();
        var source = Shop.Source(cs);
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        var e = await Assert.ThrowsAsync<PostgresSourceException>(() => source.StartAsync(app));
        Assert.Equal(PostgresProblem.WalLevelNotLogical, e.Problem);
        Assert.Contains("ALTER SYSTEM SET wal_level = logical", e.Message, StringComparison.Ordinal);
    }
}
