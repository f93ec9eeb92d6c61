using Braid.CrashTests;
using Braid.Serialization;
using Braid.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Braid.Embedded.Tests;

public class QueryAndHostingTests
{
    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    [Fact]
    public async Task InteractiveQueries_GetRangeAllOnATable_AcrossPartitions()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Table("t", Strings, Materialized.As<string, string>("t-store"));
        await using var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path, partitions: 3, threads: 2));
        app.CreateProducer("t", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 50).Select(i => new TopicRecord<string, string>("k" + (i % 10).ToString("D2"), "v" + i, i)));
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var store = app.GetTimestampedKeyValueStore<string, string>("t-store");
        Assert.True(store.TryGet("k03", out var v));
        Assert.Equal("v43", v.Value);
        Assert.Equal(43, v.Timestamp);
        Assert.False(store.TryGet("nope", out _));
        Assert.Equal(10, store.All().Count());
        Assert.Equal(["k02", "k03", "k04"], store.Range("k02", "k04").Select(kv => kv.Key).Order());
        Assert.Equal(10, store.ApproximateCount);
    }

    [Fact]
    public async Task InteractiveQueries_VersionedStore_AnswersAsOf()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Table("rates", Strings, Materialized.As<string, string>("rates-store") with { VersionedHistoryRetention = TimeSpan.FromDays(1) });
        await using var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path) with
        {
            Topics = [new TopicOptions { Name = "rates", Cleanup = CleanupPolicy.KeepAll }],
        });
        var p = app.CreateProducer("rates", Serdes.String, Serdes.String);
        p.Send("vat", "19%", 1000);
        p.Send("vat", "21%", 2000);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var store = app.GetVersionedStore<string, string>("rates-store");
        Assert.True(store.TryGet("vat", 1500, out var then));
        Assert.Equal("19%", then.Value);
        Assert.True(store.TryGet("vat", out var now));
        Assert.Equal("21%", now.Value);
        Assert.False(store.TryGet("vat", 999, out _));
    }

    [Fact]
    public async Task InteractiveQueries_WindowStore_FetchesJoinBuffer()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        var right = b.Stream("right", Strings);
        b.Stream("left", Strings).Join(right, (l, r) => l + r, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromSeconds(10)),
            new StreamJoined<string, string, string> { StoreName = "pairs" }).To("out", Produced.With(Serdes.String, Serdes.String));
        var topology = b.Build();
        const string store = "pairs-this-join-store";
        await using var app = new BraidApplication(topology, TestOptions.For(dir.Path));
        app.CreateProducer("left", Serdes.String, Serdes.String).Send("a", "x", 100);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var found = app.GetWindowStore<string, string>(store).Fetch("a", 0, 1000).ToList();
        Assert.Equal([new TimestampedValue<string>(100, "x")], found);
    }

    [Fact]
    public async Task Queries_BeforeStart_AreRefused()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Table("t", Strings, Materialized.As<string, string>("t-store"));
        await using var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path));
        Assert.Throws<StateStoreNotAvailableException>(() => app.GetTimestampedKeyValueStore<string, string>("t-store"));
    }

    [Fact]
    public async Task HostedService_StartsWithTheHost_AndClosesOnShutdown()
    {
        using var dir = new TempDir();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBraid(_ => CrashWorkload.Build(), _ => TestOptions.For(dir.Path));
        using var host = builder.Build();
        await host.StartAsync();
        var app = host.Services.GetRequiredService<BraidApplication>();
        Assert.Equal(StreamsState.Running, app.State);
        app.CreateProducer("orders", Serdes.String, Serdes.String).Send("c1", "o1", 5);
        await app.WaitForIdleAsync(TestOptions.Idle);
        await host.StopAsync();
        Assert.Equal(StreamsState.NotRunning, app.State);
    }

    [Fact]
    public async Task FileSources_ImportJsonLinesAndCsv()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var jsonl = Path.Combine(dir.Path, "orders.jsonl");
        await File.WriteAllLinesAsync(jsonl, ["{\"customer\":\"c1\",\"id\":\"o1\",\"ts\":10}", "", "{\"customer\":\"c2\",\"id\":\"o2\",\"ts\":20}"]);
        var csv = Path.Combine(dir.Path, "customers.csv");
        await File.WriteAllLinesAsync(csv, ["id,name,ts", "c1,\"Ada, Countess\",1", "c2,Bob,2"]);
        await using var app = new BraidApplication(CrashWorkload.Build(), TestOptions.For(Path.Combine(dir.Path, "state")));
        Assert.Equal(2, app.CreateProducer("customers", Serdes.String, Serdes.String)
            .ImportCsv(csv, f => new TopicRecord<string, string>(f[0], f[1], FileSources.ParseLong(f[2]))));
        Assert.Equal(2, app.CreateProducer("orders", Serdes.String, Serdes.Json<Order>())
            .ImportJsonLines<string, Order>(jsonl, o => o.Customer, o => o.Ts));
        var orders = app.CreateReader("orders", Serdes.String, Serdes.Json<Order>()).ReadToEnd();
        Assert.Equal([new Order("c1", "o1", 10), new Order("c2", "o2", 20)], orders.Select(r => r.Value));
        var customers = app.CreateReader("customers", Serdes.String, Serdes.String).ReadToEnd();
        Assert.Contains(customers, r => r.Key == "c1" && r.Value == "Ada, Countess" && r.Timestamp == 1);
    }

    public sealed record Order(string Customer, string Id, long Ts);
}
