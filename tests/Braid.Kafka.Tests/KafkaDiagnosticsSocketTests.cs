using System.Text.Json;
using Braid.Internal.Diagnostics;
using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// The Kafka host serves the embedded runtime's diagnostics socket (what `braid ui --state-dir` attaches to) in
/// <c>StateDirectory/ApplicationId</c>: the same protocol and the same answers — topology with the cluster's topic names,
/// tasks with their stream threads and status, lag per input partition from the consumer's positions, lookups through
/// the host's interactive queries — and gone when the instance closes.
/// </summary>
public sealed class KafkaDiagnosticsSocketTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _k = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("braid-kdiag-").FullName;

    private Topology Products(string products, string views)
    {
        var b = new StreamsBuilder();
        var table = b.Table(products, Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        b.Stream(views, Consumed.With(Serdes.String, Serdes.String))
            .Join(table, (user, product) => $"{user} saw {product}")
            .To(_k.Prefix + "enriched", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task KafkaApp_ServesTheDiagnosticsSocket_WithTasksLagAndLookups_AndRemovesItOnClose()
    {
        string products = _k.Prefix + "products", views = _k.Prefix + "views";
        _k.CreateTopic(products, 1);
        _k.CreateTopic(views, 1);
        _k.CreateTopic(_k.Prefix + "enriched", 1);
        var app = _k.App(Products(products, views), "sock", _k.Options() with { StateDirectory = _dir });
        await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Running && app.ActiveTasks.Count == 1, Patience, "the app running its task");
        string socket = Path.Combine(_dir, _k.Prefix + "sock", DiagnosticsProtocol.SocketFileName);
        Assert.True(File.Exists(socket), $"no socket at {socket}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

        var client = await DiagnosticsClient.AttachAsync(_dir, applicationId: null);
        Assert.Equal(_k.Prefix + "sock", client.ApplicationId);
        var topology = await client.RequestAsync<TopologyInfo>(Request("topology"));
        Assert.Equal(["products-store"], topology.Stores);
        Assert.Contains(topology.Description.Subtopologies.Single().Nodes, n => n.Kind == "Sink" && n.Topics.SequenceEqual([_k.Prefix + "enriched"]));

        _k.Produce(products, Serdes.String, Serdes.String, [("p1", (string?)"laptop", 1_000L)]);
        await KafkaTestCluster.WaitUntilAsync(() => Lookup(client, "p1").Found, Patience, "p1 readable through the socket");
        var found = Assert.IsType<JsonElement>(Lookup(client, "p1").Value);
        Assert.Equal("laptop", found.GetProperty("value").GetString());
        var missing = Lookup(client, "p404");
        Assert.False(missing.Found);
        Assert.Null(missing.Error);

        _k.Produce(views, Serdes.String, Serdes.String, Enumerable.Range(0, 50).Select(i => ("p1", (string?)$"u{i}", 2_000L + i)));
        ApplicationSnapshot snapshot = null!;
        await KafkaTestCluster.WaitUntilAsync(() =>
        {
            snapshot = client.RequestAsync<ApplicationSnapshot>(Request("snapshot")).GetAwaiter().GetResult();
            return snapshot.Tasks.Sum(t => t.Processed) == 51 && snapshot.Tasks.Single().Inputs.All(i => i.Lag == 0);
        }, Patience, "51 records processed and no lag left");
        var task = Assert.Single(snapshot.Tasks);
        Assert.Equal(("0_0", TaskSnapshot.Active), (task.Task, task.Status));
        Assert.Equal("braid-stream-" + _k.Prefix + "sock-0", task.Thread);
        Assert.Equal([products, views], task.Inputs.Select(i => i.Topic).Order(StringComparer.Ordinal));
        Assert.Equal("Running", snapshot.State);
        Assert.True(task.ProcessMs > 0);

        // The dead-letter count: records in the topic as a consumer reads them (null while the topic does not exist).
        Assert.Null((await client.RequestAsync<ApplicationSnapshot>(Request("snapshot") with { DeadLetterTopic = _k.Prefix + "dlq" })).DeadLetterRecords);
        _k.CreateTopic(_k.Prefix + "dlq", 2);
        _k.Produce(_k.Prefix + "dlq", Serdes.String, Serdes.String, [("a", (string?)"1", 1L), ("b", "2", 2L), ("c", "3", 3L)]);
        await KafkaTestCluster.WaitUntilAsync(() => client.RequestAsync<ApplicationSnapshot>(Request("snapshot") with { DeadLetterTopic = _k.Prefix + "dlq" })
            .GetAwaiter().GetResult().DeadLetterRecords == 3, Patience, "3 dead letters counted");

        await app.CloseAsync();
        Assert.False(File.Exists(socket), "the socket outlived the instance");
        var e = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => client.RequestAsync<ApplicationSnapshot>(Request("snapshot")));
        Assert.Equal(DiagnosticsUnavailableReason.Closed, e.Reason);
    }

    [Fact]
    public async Task KafkaApp_WithTheSocketTurnedOff_OrWithoutAStateDirectory_LeavesNothingToAttachTo()
    {
        string products = _k.Prefix + "products", views = _k.Prefix + "views";
        _k.CreateTopic(products, 1);
        _k.CreateTopic(views, 1);
        var app = _k.App(Products(products, views), "off", _k.Options() with { StateDirectory = _dir, DiagnosticsSocket = false });
        await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Running, Patience, "the app running");
        var e = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(_dir, applicationId: null));
        Assert.Equal(DiagnosticsUnavailableReason.NoSocket, e.Reason);
    }

    private static DiagnosticsRequest Request(string op) => new(DiagnosticsProtocol.Version, op);

    private static StoreLookup Lookup(DiagnosticsClient client, string key) =>
        client.RequestAsync<StoreLookup>(Request("lookup") with { Store = "products-store", Key = key }).GetAwaiter().GetResult();

    public void Dispose()
    {
        _k.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A RocksDB file still closing: the temp directory is cleaned by the OS.
        }
    }
}
