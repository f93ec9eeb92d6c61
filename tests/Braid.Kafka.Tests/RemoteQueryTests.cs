using System.Net;
using System.Net.Http.Json;
using Braid.Queries;
using Braid.Serialization;
using Braid.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Braid.Kafka.Tests;

/// <summary>
/// Remote queries over HTTP on loopback: two Kafka instances on the mock cluster, each serving MapBraidQueries on its own
/// Kestrel port (its ApplicationServer); the client on one instance fetches keys the other owns through HTTP.
/// </summary>
public sealed class RemoteQueryTests : IAsyncLifetime
{
    private const int Partitions = 4;
    private readonly KafkaTestCluster _k = new();
    private readonly List<WebApplication> _web = [];
    private string _clicks = "";

    public Task InitializeAsync()
    {
        _clicks = _k.Prefix + "clicks";
        _k.CreateTopic(_clicks, Partitions);
        return Task.CompletedTask;
    }

    /// <summary>Starts a web server on a free loopback port serving the stores of the instance <paramref name="app"/> will hold.</summary>
    private async Task<(string Server, Holder Holder)> StartWebAsync()
    {
        var holder = new Holder();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IQueryableStores>(_ => holder.App ?? throw new InvalidOperationException("no instance yet"));
        var web = builder.Build();
        web.MapBraidQueries();
        await web.StartAsync();
        _web.Add(web);
        return (new Uri(web.Urls.First()).Authority, holder);
    }

    private sealed class Holder
    {
        public BraidKafkaApplication? App { get; set; }
    }

    [Fact]
    public async Task The_client_fetches_keys_owned_by_the_other_instance_over_http_and_refusals_keep_their_type_and_words()
    {
        var (serverA, holderA) = await StartWebAsync();
        var (serverB, holderB) = await StartWebAsync();
        var a = holderA.App = _k.App(KafkaQueryTests.BuildCounts(_clicks), "remote", server: serverA);
        var b = holderB.App = _k.App(KafkaQueryTests.BuildCounts(_clicks), "remote", server: serverB);
        await a.StartAsync();
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Running && b.State == StreamsState.Running
            && a.ActiveTasks.Count > 0 && b.ActiveTasks.Count > 0 && a.ActiveTasks.Count + b.ActiveTasks.Count == Partitions,
            TimeSpan.FromSeconds(60), "both instances running with a share of the tasks");
        var clicks = Enumerable.Range(0, 60).Select(i => ("u" + (i % 12), (string?)"x", 1_000L + i)).ToList();
        _k.Produce(_clicks, Serdes.String, Serdes.String, clicks);
        // Wait on the stores themselves: processed counters can run ahead of a task that moved and is restoring.
        await KafkaTestCluster.WaitUntilAsync(() => KafkaQueryTests.Local(a, null) + KafkaQueryTests.Local(b, null) == clicks.Count,
            TimeSpan.FromSeconds(30), "every click counted in a running task's store");
        await KafkaTestCluster.WaitUntilAsync(() => a.AllMetadata().Count == 2, TimeSpan.FromSeconds(30), "a knows b's tasks");

        using var http = new HttpClient();
        var client = new BraidQueryClient(http, a);
        var remoteKeys = 0;
        foreach (var key in clicks.Select(c => c.Item1).Distinct())
        {
            var result = await client.GetAsync<string, ValueAndTimestamp<long>>("counts", key, Serdes.String);
            Assert.True(result.Found, key + " via " + result.Host);
            Assert.Equal(5, result.Value.Value);
            Assert.Equal(a.QueryMetadataForKey("counts", key, Serdes.String).ActiveHost, result.Host);
            var windows = await client.FetchAsync<string, ValueAndTimestamp<long>>("per-10s", key, 0, 0, Serdes.String);
            Assert.Equal(5, Assert.Single(windows.Value!).Value.Value);
            if (result.Host == serverB) remoteKeys++;
        }
        Assert.InRange(remoteKeys, 1, 11); // some keys came over HTTP from b, some from a's own stores
        var absent = await client.GetAsync<string, ValueAndTimestamp<long>>("counts", "nobody", Serdes.String);
        Assert.False(absent.Found);

        // A wrong type is refused before routing, with the driver's words.
        var wrong = await Assert.ThrowsAsync<InvalidStateStoreException>(() => client.GetAsync<string, long>("counts", "u1", Serdes.String));
        Assert.Equal("Store 'counts' is a timestamped key–value store of String → Int64, not a key–value store of String → Int64; " +
                     "read it with GetTimestampedKeyValueStore<String, Int64>(\"counts\").", wrong.Message);

        // Asking b for a partition a runs: 409 with the same type and words as a local refusal.
        var ownedByA = clicks.Select(c => a.QueryMetadataForKey("counts", c.Item1, Serdes.String)).First(m => m.ActiveHost == serverA);
        using var response = await http.GetAsync($"http://{serverB}/braid/queries/stores/counts/get?key=u1&partition={ownedByA.Partition}");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("StateStoreMigratedException", body!["type"]);
        var local = Assert.Throws<StateStoreMigratedException>(() => b.GetTimestampedKeyValueStore<string, long>("counts", new StoreQueryParameters { Partition = ownedByA.Partition }));
        Assert.Equal(local.Message, body["message"]);
        using var unknown = await http.GetAsync($"http://{serverB}/braid/queries/stores/nope/get?key=u1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("No store named 'nope'. Stores: counts, per-10s.", (await unknown.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["message"]);
    }

    public async Task DisposeAsync()
    {
        _k.Dispose();
        foreach (var w in _web) await w.DisposeAsync();
    }
}
