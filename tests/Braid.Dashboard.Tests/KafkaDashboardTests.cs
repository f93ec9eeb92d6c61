using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Braid.Kafka;
using Braid.Kafka.Internal;
using Braid.Kafka.Mock;
using Braid.Queries;
using Braid.Serialization;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using static Braid.Dashboard.Tests.Browser;

namespace Braid.Dashboard.Tests;

/// <summary>
/// The dashboard of a Kafka-host application on librdkafka's mock cluster: in the application's own ASP.NET Core host
/// (<c>AddBraidKafka</c> + <c>MapBraidDashboard()</c>, in headless Chromium), and the cluster view
/// (<c>AttachBootstrapServers</c>, what <c>braid ui --bootstrap-servers</c> serves) through its HTTP API.
/// </summary>
public sealed class KafkaDashboardTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly MockKafkaCluster _mock = new(1);

    public KafkaDashboardTests()
    {
        foreach (var topic in new[] { "products", "views", "enriched" }) _mock.CreateTopic(topic, 1);
    }

    [Fact]
    public async Task KafkaDashboard_InTheAppsOwnHost_ShowsTopologyTasksLag_AndLooksKeysUp()
    {
        RequireChromium();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<Func<KafkaStreamsOptions, ITopicAdmin>>(_ => new MockTopicAdmin(_mock));
        builder.Services.AddBraidKafka(_ => DashboardBrowserTests.SlowEnrichment(), _ => new StreamsConfig { ApplicationId = "kafka-dashboard" }, _ => Options());
        await using var web = builder.Build();
        web.MapBraidDashboard(new BraidDashboardOptions { UpdateInterval = TimeSpan.FromMilliseconds(150) }); // finds the Kafka app registered above
        await web.StartAsync();
        var app = web.Services.GetRequiredService<BraidKafkaApplication>();
        await app.WaitForStateAsync(StreamsState.Running, Patience);
        Produce("products", [("p1", "laptop")]);

        using var browser = StartChromium();
        try
        {
            browser.Navigate().GoToUrl(web.Urls.First() + "/braid/");
            Until(browser, () => browser.FindElements(By.CssSelector("#topology svg")).Count == 1 && Updates(browser) >= 1, "the page to load and receive a snapshot");
            var svg = browser.FindElement(By.CssSelector("#topology svg")).Text;
            foreach (var part in new[] { "Sub-topology 0", "products-store", "views", "enriched" }) Assert.Contains(part, svg, StringComparison.Ordinal);
            Assert.Equal("kafka-dashboard", browser.FindElement(By.Id("app-id")).Text);
            Until(browser, () => browser.FindElement(By.Id("app-state")).Text == "Running", "the state Running");
            Until(browser, () => LagCell(browser, "products") == "0" && LagCell(browser, "views") == "0", "both inputs at lag 0");
            Assert.Contains("0_0 active braid-stream-kafka-dashboard-0", browser.FindElement(By.Id("tasks")).Text, StringComparison.Ordinal);

            // 300 views at >= 3 ms each: the consumer's lag must rise on the page, then drain as the task works through them.
            Produce("views", Enumerable.Range(0, 300).Select(i => ("p1", $"user{i}")));
            Until(browser, () => long.Parse(browser.Execute("return document.body.dataset.maxLag || '0'")) > 0, "the page to show lag above 0");
            Until(browser, () => LagCell(browser, "views") == "0" && browser.FindElement(By.Id("processed")).Text == "301",
                "the lag to drain to 0 and 301 records processed");

            SelectStore(browser, "products-store", "p1");
            Until(browser, () => browser.FindElement(By.Id("lookup-result")).GetAttribute("data-state") is "found" or "error" or "absent", "the store lookup");
            Assert.Equal("found", browser.FindElement(By.Id("lookup-result")).GetAttribute("data-state"));
            Assert.Contains("\"value\":\"laptop\"", browser.FindElement(By.Id("lookup-result")).Text, StringComparison.Ordinal);
            SaveScreenshot(browser, "dashboard-kafka.png");
            SelectStore(browser, "products-store", "p404");
            Until(browser, () => browser.FindElement(By.Id("lookup-result")).GetAttribute("data-state") == "absent", "the lookup of a missing key to say not found");
            Assert.Equal("not found", browser.FindElement(By.Id("lookup-result")).Text);
        }
        finally
        {
            browser.Quit();
            await web.StopAsync();
        }
    }

    [Fact]
    public async Task ClusterView_ShowsInstancesGroupLagAndStores_LooksKeysUpThroughTheQueriesEndpoint_AndSaysWhatItCannotShow()
    {
        // The application: its instance announces 127.0.0.1:<port>, where its queries endpoint is served.
        int port = FreePort();
        var app = new BraidKafkaApplication(DashboardBrowserTests.SlowEnrichment(), new StreamsConfig { ApplicationId = "cluster-app" },
            Options() with { ApplicationServer = $"127.0.0.1:{port}" }, _ => new MockTopicAdmin(_mock));
        await using var closeApp = app;
        var appHost = WebApplication.CreateSlimBuilder();
        appHost.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var queries = appHost.Build();
        queries.MapBraidQueries(stores: app);
        await queries.StartAsync();
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, Patience);
        Produce("products", [("p1", "laptop")]);
        Produce("views", Enumerable.Range(0, 10).Select(i => ("p1", $"user{i}")));

        // The cluster view: given only the bootstrap servers and the application id.
        var ui = WebApplication.CreateSlimBuilder();
        ui.WebHost.UseUrls("http://127.0.0.1:0");
        await using var web = ui.Build();
        web.MapBraidDashboard(new BraidDashboardOptions { AttachBootstrapServers = _mock.BootstrapServers, AttachApplicationId = "cluster-app" });
        await web.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(web.Urls.First()) };
        JsonElement snapshot = default;
        await UntilAsync(async () =>
        {
            snapshot = await Get(http, "/braid/api/snapshot");
            return snapshot.GetProperty("state").GetString() == "Cluster" && ViewsLag(snapshot) == 0;
        }, "the instance announced and the views partition committed to its end", () => snapshot);
        var instance = Assert.Single(snapshot.GetProperty("instances").EnumerateArray());
        Assert.Equal($"127.0.0.1:{port}", instance.GetProperty("instance").GetString());
        Assert.Equal(["0_0"], instance.GetProperty("active").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("not available in the cluster view", snapshot.GetProperty("notAvailable").GetProperty("topology").GetString(), StringComparison.Ordinal);
        Assert.Contains("products-store", (await Get(http, "/braid/api/topology")).GetProperty("stores").EnumerateArray().Select(s => s.GetString()));

        var found = await Get(http, "/braid/api/store/products-store?key=p1");
        Assert.True(found.GetProperty("found").GetBoolean(), found.ToString());
        Assert.Equal("laptop", found.GetProperty("value").GetProperty("value").GetString());
        var missing = await Get(http, "/braid/api/store/products-store?key=p404");
        Assert.False(missing.GetProperty("found").GetBoolean());
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("error").ValueKind);

        // The instance stops (it withdraws its announcement): records produced now wait, and the group's lag says how many.
        await app.CloseAsync();
        Produce("views", Enumerable.Range(0, 25).Select(i => ("p1", $"late{i}")));
        await UntilAsync(async () =>
        {
            snapshot = await Get(http, "/braid/api/snapshot");
            return snapshot.GetProperty("state").GetString() == "NoInstances" && ViewsLag(snapshot) == 25;
        }, "no instance left and a lag of 25 on views", () => snapshot);
        Assert.Contains("No instance of 'cluster-app'", snapshot.GetProperty("error").GetString(), StringComparison.Ordinal);
        await web.StopAsync();
        await queries.StopAsync();
    }

    [Fact]
    public void ClusterView_AnUnknownApplicationId_OrAnUnreachableCluster_IsATypedErrorAtStartUp()
    {
        _mock.CreateTopic("orders-app-braid-instances", 1); // what a Braid application leaves on its cluster
        using var web = WebApplication.CreateSlimBuilder().Build();
        var unknown = Assert.Throws<DiagnosticsUnavailableException>(() => web.MapBraidDashboard(
            new BraidDashboardOptions { AttachBootstrapServers = _mock.BootstrapServers, AttachApplicationId = "orders" }));
        Assert.Equal(DiagnosticsUnavailableReason.UnknownApplication, unknown.Reason);
        Assert.Contains("no Braid application 'orders'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("applications there: orders-app", unknown.Message, StringComparison.Ordinal);

        var unreachable = Assert.Throws<DiagnosticsUnavailableException>(() => web.MapBraidDashboard(new BraidDashboardOptions
        {
            AttachBootstrapServers = "127.0.0.1:1", AttachApplicationId = "orders-app", AttachTimeout = TimeSpan.FromSeconds(1),
        }));
        Assert.Equal(DiagnosticsUnavailableReason.Unreachable, unreachable.Reason);
        Assert.Contains("127.0.0.1:1", unreachable.Message, StringComparison.Ordinal);
    }

    private KafkaStreamsOptions Options() => new()
    {
        BootstrapServers = _mock.BootstrapServers,
        CommitInterval = TimeSpan.FromMilliseconds(100),
        RequestTimeout = TimeSpan.FromSeconds(15),
        // The mock waits session.timeout.ms − 1 s before completing a rebalance: keep it small.
        ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "2000", ["heartbeat.interval.ms"] = "200" },
    };

    private void Produce(string topic, IEnumerable<(string Key, string Value)> records)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _mock.BootstrapServers }).Build();
        long ts = 1_000;
        foreach (var (k, v) in records) producer.Produce(topic, new Message<string, string> { Key = k, Value = v, Timestamp = new Timestamp(ts++, TimestampType.CreateTime) });
        producer.Flush(Patience);
    }

    private static long? ViewsLag(JsonElement snapshot) =>
        snapshot.GetProperty("lag").EnumerateArray().Where(l => l.GetProperty("topic").GetString() == "views").Select(l => (long?)l.GetProperty("lag").GetInt64()).FirstOrDefault();

    private static async Task<JsonElement> Get(HttpClient http, string path) =>
        JsonDocument.Parse(await http.GetStringAsync(path)).RootElement.Clone();

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<object>? seen = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Patience) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; last seen: {seen?.Invoke()}");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _mock.Dispose();
}
