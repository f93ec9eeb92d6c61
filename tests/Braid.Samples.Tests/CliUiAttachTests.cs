using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Braid.Embedded;
using Braid.Serialization;
using Braid.Tests.Shared;

namespace Braid.Samples.Tests;

/// <summary>
/// `braid ui --state-dir` as a user runs it: the braid process serves the dashboard of an application running in
/// this (the test's) process, reached only through its diagnostics socket; every way it cannot attach is one line.
/// </summary>
public sealed class CliUiAttachTests
{
    private static ProcessStartInfo Braid(params string[] args) => BraidCli.StartInfo(RepoPaths.Root, args);

    [Fact]
    public async Task UiStateDir_ServesTheOtherProcesssApplication_ItsLagAndAStoreValue()
    {
        var dir = Directory.CreateTempSubdirectory("braid-cli-attach-");
        try
        {
            var b = new StreamsBuilder();
            b.Table("prices", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("prices-store"));
            await using var app = new BraidApplication(b.Build(), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "pricing" },
                StateDirectory = dir.FullName,
                CommitInterval = TimeSpan.Zero,
            });
            await app.StartAsync();
            app.CreateProducer("prices", Serdes.String, Serdes.String).Send("lamp", "49.90 EUR", 1_000);
            await app.WaitForIdleAsync(TimeSpan.FromSeconds(60));

            using var braid = Process.Start(Braid("ui", "--state-dir", dir.FullName, "--port", "0", "--duration", "60"))!;
            try
            {
                var first = await braid.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? "";
                Assert.StartsWith("Braid dashboard: http://127.0.0.1:", first, StringComparison.Ordinal);
                string url = first.Split(' ')[2];
                using var http = new HttpClient { BaseAddress = new Uri(url) };
                var snapshot = await http.GetFromJsonAsync<JsonElement>("api/snapshot");
                Assert.Equal("pricing", snapshot.GetProperty("application").GetString());
                Assert.Equal("Running", snapshot.GetProperty("state").GetString());
                Assert.Equal(1, snapshot.GetProperty("processed").GetInt64());
                var lookup = await http.GetFromJsonAsync<JsonElement>("api/store/prices-store?key=lamp");
                Assert.True(lookup.GetProperty("found").GetBoolean(), lookup.ToString());
                Assert.Equal("49.90 EUR", lookup.GetProperty("value").GetProperty("value").GetString());
                Assert.Contains("prices-store", await http.GetStringAsync("topology.svg"), StringComparison.Ordinal);
            }
            finally
            {
                braid.Kill(entireProcessTree: true);
                await braid.WaitForExitAsync();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task UiStateDir_WhereNothingRuns_ExitsWithOneLineSayingSo()
    {
        var dir = Directory.CreateTempSubdirectory("braid-cli-attach-");
        try
        {
            using var braid = Process.Start(Braid("ui", "--state-dir", dir.FullName, "--port", "0"))!;
            string err = await braid.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await braid.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1, braid.ExitCode);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains($"No application with a diagnostics socket in {dir.FullName}", err, StringComparison.Ordinal);
            Assert.Contains("(NoSocket)", err, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>`braid ui --bootstrap-servers` (the cluster view of a Kafka application): a cluster that does not answer is one line, exit 1.</summary>
    [Fact]
    public async Task UiBootstrapServers_ThatDoNotAnswer_ExitWithOneLineSayingSo()
    {
        using var braid = Process.Start(Braid("ui", "--bootstrap-servers", "127.0.0.1:1", "--application-id", "orders", "--timeout", "1", "--port", "0"))!;
        string err = await braid.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await braid.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, braid.ExitCode);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("No Kafka broker at 127.0.0.1:1 answered within 1 s", err, StringComparison.Ordinal);
        Assert.Contains("(Unreachable)", err, StringComparison.Ordinal);
    }
}
