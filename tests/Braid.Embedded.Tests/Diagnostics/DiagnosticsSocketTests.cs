using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Braid.Internal.Diagnostics;
using Braid.Serialization;

namespace Braid.Embedded.Tests.Diagnostics;

/// <summary>
/// The diagnostics socket (what `braid ui --state-dir` attaches to): answers only through the socket, values read
/// with the application's own serdes, and a typed reason for every way it can be out of reach.
/// </summary>
public sealed class DiagnosticsSocketTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A store value type only the application's JSON serde can read.</summary>
    public sealed record Product(string Name, int PriceCents);

    private static Topology Products()
    {
        var b = new StreamsBuilder();
        var products = b.Table("products", Consumed.With(Serdes.String, Serdes.Json<Product>()), Materialized.As<string, Product>("products-store"));
        b.Stream("views", Consumed.With(Serdes.String, Serdes.String))
            .Join(products, (user, product) => $"{user} saw {product.Name}")
            .To("enriched", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    private static BraidApplication App(string stateDir, string id = "shop", bool socket = true) =>
        new(Products(), new BraidApplicationOptions
        {
            Streams = new StreamsConfig { ApplicationId = id },
            StateDirectory = stateDir,
            CommitInterval = TimeSpan.Zero,
            DiagnosticsSocket = socket,
        });

    private static Task<T> Ask<T>(DiagnosticsClient client, string op, string? store = null, string? key = null) =>
        client.RequestAsync<T>(new DiagnosticsRequest(DiagnosticsProtocol.Version, op, store, key));

    [Fact]
    public async Task Attached_TheSocketAnswersTopologyTasksLagAndAStoreLookupWithTheApplicationsOwnSerde()
    {
        using var dir = new TempDir();
        await using var app = App(dir.Path);
        await app.StartAsync();
        app.CreateProducer("products", Serdes.String, Serdes.Json<Product>()).Send("p1", new Product("laptop", 99_900), 1_000);
        await app.WaitForIdleAsync(Patience);

        var client = await DiagnosticsClient.AttachAsync(dir.Path, applicationId: null);
        Assert.Equal("shop", client.ApplicationId);
        var topology = await Ask<TopologyInfo>(client, "topology");
        Assert.Equal(["products-store"], topology.Stores);
        Assert.Contains(topology.Description.Subtopologies.Single().Nodes, n => n.Kind == "Sink" && n.Topics.SequenceEqual(["enriched"]));

        var lookup = await Ask<StoreLookup>(client, "lookup", "products-store", "p1");
        Assert.True(lookup.Found, lookup.Error);
        // A table's store is timestamped: the value and its timestamp, as GetTimestampedKeyValueStore reads them.
        var found = Assert.IsType<JsonElement>(lookup.Value);
        Assert.Equal(1_000, found.GetProperty("timestamp").GetInt64());
        Assert.Equal("laptop", found.GetProperty("value").GetProperty("name").GetString());
        Assert.Equal(99_900, found.GetProperty("value").GetProperty("priceCents").GetInt32());
        Assert.False((await Ask<StoreLookup>(client, "lookup", "products-store", "p2")).Found);

        // Lag and the processed count move with records produced while attached (the app's own counters, not this process's meter).
        var before = await Ask<ApplicationSnapshot>(client, "snapshot");
        Assert.Equal("Running", before.State);
        Assert.Equal(1, before.Tasks.Sum(t => t.Processed));
        app.CreateProducer("views", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 50).Select(i => new TopicRecord<string, string>("p1", $"u{i}", 2_000 + i)));
        await app.WaitForIdleAsync(Patience);
        var after = await Ask<ApplicationSnapshot>(client, "snapshot");
        Assert.Equal(51, after.Tasks.Sum(t => t.Processed));
        Assert.Contains(after.Tasks.Single().Inputs, i => i.Topic == "views" && i.Lag == 0);
        Assert.True(after.Tasks.Sum(t => t.ProcessMs) > before.Tasks.Sum(t => t.ProcessMs));
    }

    [Fact]
    public async Task Attached_UnknownStore_IsRefusedWithTheQueryApisWording()
    {
        using var dir = new TempDir();
        await using var app = App(dir.Path);
        await app.StartAsync();
        var client = await DiagnosticsClient.AttachAsync(dir.Path, "shop");
        var lookup = await Ask<StoreLookup>(client, "lookup", "nope", "k");
        Assert.False(lookup.Found);
        Assert.Contains("'nope'", lookup.Error, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<StreamsException>(() => Ask<TopologyInfo>(client, "explode"));
        Assert.Contains("unknown diagnostics operation 'explode'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_WhereNoApplicationRuns_SaysNoSocket_NamingTheDirectory()
    {
        using var dir = new TempDir();
        var missing = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(dir.Path, null));
        Assert.Equal(DiagnosticsUnavailableReason.NoSocket, missing.Reason);
        Assert.Contains(dir.Path, missing.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(dir.Path, "shop"));
        var none = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(dir.Path, null));
        Assert.Equal(DiagnosticsUnavailableReason.NoSocket, none.Reason);
        var named = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(dir.Path, "shop"));
        Assert.Equal(DiagnosticsUnavailableReason.NoSocket, named.Reason);
        Assert.Contains("'shop'", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_WithTheSocketOff_SaysNoSocket()
    {
        using var dir = new TempDir();
        await using var app = App(dir.Path, socket: false);
        await app.StartAsync();
        Assert.False(File.Exists(Path.Combine(app.AppDirectory, DiagnosticsProtocol.SocketFileName)));
        var e = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(dir.Path, null));
        Assert.Equal(DiagnosticsUnavailableReason.NoSocket, e.Reason);
    }

    [Fact]
    public async Task Attach_ToTheSocketOfAKilledApplication_SaysStale_AndARestartReplacesIt()
    {
        using var dir = new TempDir();
        string appDir = Path.Combine(dir.Path, "shop"), path = Path.Combine(appDir, DiagnosticsProtocol.SocketFileName);
        Directory.CreateDirectory(appDir);
        // What a killed process leaves: the socket file, with nobody listening on it (bound, never listening,
        // refuses connections as a dead process's file does; .NET would remove the file if it were disposed).
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(path));
        Assert.True(File.Exists(path));
        var e = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(dir.Path, null));
        Assert.Equal(DiagnosticsUnavailableReason.Stale, e.Reason);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("no longer running", e.Message, StringComparison.Ordinal);

        await using var app = App(dir.Path);
        var client = await DiagnosticsClient.AttachAsync(dir.Path, null);
        Assert.Equal("Created", (await Ask<ApplicationSnapshot>(client, "snapshot")).State);
    }

    [Fact]
    public async Task Attached_ApplicationCloses_TheNextRequestSaysClosed_AndNoSocketIsLeft()
    {
        using var dir = new TempDir();
        var app = App(dir.Path);
        await app.StartAsync();
        var client = await DiagnosticsClient.AttachAsync(dir.Path, null);
        await app.CloseAsync();
        Assert.False(File.Exists(client.SocketPath));
        var e = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => Ask<ApplicationSnapshot>(client, "snapshot"));
        Assert.Equal(DiagnosticsUnavailableReason.Closed, e.Reason);
        Assert.Contains("closed", e.Message, StringComparison.Ordinal);

        // One connection per request: the application back in the same directory is reached by the same client.
        await using var again = App(dir.Path);
        await again.StartAsync();
        Assert.Equal("Running", (await Ask<ApplicationSnapshot>(client, "snapshot")).State);
    }

    [Fact]
    public async Task TwoApplicationsInOneStateDirectory_AttachNeedsAnId_AndTheIdPicksTheRightOne()
    {
        using var dir = new TempDir();
        await using var shop = App(dir.Path, "shop");
        await using var stock = App(dir.Path, "stock");
        var e = await Assert.ThrowsAsync<DiagnosticsUnavailableException>(() => DiagnosticsClient.AttachAsync(dir.Path, null));
        Assert.Equal(DiagnosticsUnavailableReason.Ambiguous, e.Reason);
        Assert.Contains("shop, stock", e.Message, StringComparison.Ordinal);
        var client = await DiagnosticsClient.AttachAsync(dir.Path, "stock");
        Assert.Equal("stock", (await Ask<TopologyInfo>(client, "topology")).Application);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Socket_IsReadableAndWritableByItsOwnerOnly()
    {
        using var dir = new TempDir();
        await using var app = App(dir.Path);
        var mode = File.GetUnixFileMode(Path.Combine(app.AppDirectory, DiagnosticsProtocol.SocketFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task MalformedOrOtherVersionRequests_GetAnErrorAnswer_AndTheSocketKeepsServing()
    {
        using var dir = new TempDir();
        await using var app = App(dir.Path);
        string path = Path.Combine(app.AppDirectory, DiagnosticsProtocol.SocketFileName);
        Assert.Contains("malformed request", await Raw(path, "this is not json\n"), StringComparison.Ordinal);
        Assert.Contains($"protocol {DiagnosticsProtocol.Version}, the client 99", await Raw(path, "{\"version\":99,\"op\":\"snapshot\"}\n"), StringComparison.Ordinal);
        // A client that connects and hangs up without a request costs nothing either.
        using (var idle = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)) await idle.ConnectAsync(new UnixDomainSocketEndPoint(path));
        var client = await DiagnosticsClient.AttachAsync(dir.Path, null);
        Assert.Equal("shop", (await Ask<ApplicationSnapshot>(client, "snapshot")).Application);
    }

    [Fact]
    public async Task AStateDirectoryTooLongForASocketAddress_BindsInTemp_AndTheClientFollowsTheLink()
    {
        using var dir = new TempDir();
        string deep = Path.Combine(dir.Path, new string('d', 60), new string('e', 60));
        await using (var app = App(deep))
        {
            string path = Path.Combine(app.AppDirectory, DiagnosticsProtocol.SocketFileName);
            string? target = new FileInfo(path).LinkTarget;
            Assert.NotNull(target);
            Assert.StartsWith(Path.GetTempPath(), target, StringComparison.Ordinal);
            var client = await DiagnosticsClient.AttachAsync(deep, null);
            Assert.Equal("Created", (await Ask<ApplicationSnapshot>(client, "snapshot")).State);
            await app.CloseAsync();
            Assert.False(File.Exists(target));
        }
    }

    private static async Task<string> Raw(string path, string request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync() ?? "";
    }
}
