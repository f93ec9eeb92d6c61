using System.Diagnostics;
using Braid.Dashboard;
using Braid.Embedded;
using Braid.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using static Braid.Dashboard.Tests.Browser;

namespace Braid.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's headless Chromium driven by Selenium through Debian's
/// chromedriver (.ci/run installs both). One page load checks the topology picture, live lag, the task
/// table and a store lookup, and saves a screenshot.
/// </summary>
public sealed class DashboardBrowserTests
{
    [Fact]
    public Task Dashboard_ShowsTheRunningTopology_LagMovesWithProducedRecords_AndAStoreLookupReturnsTheValue() => Run(attached: false);

    /// <summary>
    /// `braid ui --state-dir`: the dashboard host is given only the state directory and reaches the application
    /// through its diagnostics socket (no reference to the application object, no shared meter); then the
    /// application closes and the page says so.
    /// </summary>
    [Fact]
    public Task Dashboard_AttachedThroughTheStateDirectory_ShowsTheSameLiveApplication_AndSaysWhenItCloses() => Run(attached: true);

    private static async Task Run(bool attached)
    {
        Browser.RequireChromium();
        var stateDir = Path.Combine(Path.GetTempPath(), "braid-dashboard-tests", Guid.NewGuid().ToString("N"));
        var braid = new BraidApplication(SlowEnrichment(), new BraidApplicationOptions
        {
            Streams = new StreamsConfig { ApplicationId = "dashboard-test" },
            StateDirectory = stateDir,
            CommitInterval = TimeSpan.FromMilliseconds(50),
        });
        await using var closeLast = braid;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var web = builder.Build();
        web.MapBraidDashboard(attached
            ? new BraidDashboardOptions { AttachStateDirectory = stateDir, UpdateInterval = TimeSpan.FromMilliseconds(150) }
            : new BraidDashboardOptions { Application = braid, UpdateInterval = TimeSpan.FromMilliseconds(150) });
        await web.StartAsync();
        await braid.StartAsync();
        braid.CreateProducer("products", Serdes.String, Serdes.String).Send("p1", "laptop", 1_000);
        await braid.WaitForIdleAsync(TimeSpan.FromSeconds(60));

        using var browser = StartChromium();
        try
        {
            browser.Navigate().GoToUrl(web.Urls.First() + "/braid/");
            Until(browser, () => browser.FindElements(By.CssSelector("#topology svg")).Count == 1 && Updates(browser) >= 1, "the page to load and receive a snapshot");
            var svg = browser.FindElement(By.CssSelector("#topology svg"));
            Assert.Contains("Sub-topology 0", svg.Text, StringComparison.Ordinal);
            Assert.Contains("products-store", svg.Text, StringComparison.Ordinal);
            Assert.Contains("enriched", svg.Text, StringComparison.Ordinal);
            Assert.Equal("dashboard-test", browser.FindElement(By.Id("app-id")).Text);
            Assert.Equal("Running", browser.FindElement(By.Id("app-state")).Text);
            Until(browser, () => LagCell(browser, "views") == "0", "the views partition to show lag 0");
            Assert.Equal("0", browser.Execute("return document.body.dataset.maxLag || '0'"));

            // 300 records at >= 3 ms each keep the task busy for about a second or more: the page must see lag rise, then drain.
            var views = braid.CreateProducer("views", Serdes.String, Serdes.String);
            views.Send(Enumerable.Range(0, 300).Select(i => new TopicRecord<string, string>("p1", $"user{i}", 2_000 + i)));
            Until(browser, () => long.Parse(browser.Execute("return document.body.dataset.maxLag || '0'")) > 0, "the page to show lag above 0");
            Until(browser, () => LagCell(browser, "views") == "0" && browser.FindElement(By.Id("tasks")).Text.Contains("301", StringComparison.Ordinal),
                "the lag to drain to 0 and the task to show 301 records processed");
            Assert.Contains("braid-stream-1", browser.FindElement(By.Id("tasks")).Text, StringComparison.Ordinal);
            Assert.Equal("301", browser.FindElement(By.Id("processed")).Text);

            SelectStore(browser, "products-store", "p1");
            Until(browser, () => browser.FindElement(By.Id("lookup-result")).GetAttribute("data-state") is "found" or "error" or "absent", "the store lookup");
            Assert.Equal("found", browser.FindElement(By.Id("lookup-result")).GetAttribute("data-state"));
            Assert.Contains("\"value\":\"laptop\"", browser.FindElement(By.Id("lookup-result")).Text, StringComparison.Ordinal);
            if (!attached) SaveScreenshot(browser, "dashboard.png");

            SelectStore(browser, "products-store", "p404");
            Until(browser, () => browser.FindElement(By.Id("lookup-result")).GetAttribute("data-state") == "absent", "the lookup of a missing key to say not found");
            Assert.Equal("not found", browser.FindElement(By.Id("lookup-result")).Text);

            if (attached)
            {
                SaveScreenshot(browser, "dashboard-attached.png");
                await braid.CloseAsync();
                Until(browser, () => browser.FindElement(By.Id("app-state")).Text == "Disconnected", "the page to show the application disconnected");
                Assert.Contains("closed", browser.FindElement(By.Id("app-error")).Text, StringComparison.Ordinal);
            }
        }
        finally
        {
            browser.Quit();
            await web.StopAsync();
        }
    }

    // Products table + views stream enriched by a left join; a slow MapValues makes the lag visible.
    internal static Topology SlowEnrichment()
    {
        var b = new StreamsBuilder();
        var products = b.Table("products", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        b.Stream("views", Consumed.With(Serdes.String, Serdes.String))
            .MapValues(v =>
            {
                Thread.Sleep(3);
                return v;
            })
            .LeftJoin(products, (view, product) => $"{view} saw {product ?? "?"}")
            .To("enriched", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }
}

internal static class BrowserExtensions
{
    public static string Execute(this IWebDriver browser, string script) =>
        ((IJavaScriptExecutor)browser).ExecuteScript(script)?.ToString() ?? "";
}
