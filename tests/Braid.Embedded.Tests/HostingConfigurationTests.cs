using Braid.Embedded;
using Braid.Serialization;
using Braid.CrashTests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Braid.Embedded.Tests;

/// <summary>AddBraid bound from IConfiguration, and the hosted service honouring the host's stopping token.</summary>
public sealed class HostingConfigurationTests
{
    [Fact]
    public async Task AddBraid_FromConfiguration_BindsNestedOptions_AndRuns()
    {
        using var dir = new TempDir();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Braid:StateDirectory"] = dir.Path,
            ["Braid:StreamThreads"] = "2",
            ["Braid:CommitInterval"] = "00:00:00.050",
            ["Braid:ProcessingGuarantee"] = "AtLeastOnce",
            ["Braid:Streams:ApplicationId"] = "configured-app",
        });
        builder.Services.AddBraid(_ => CrashWorkload.Build(), builder.Configuration.GetSection("Braid"), o => o with { DefaultPartitions = 2 });
        using var host = builder.Build();
        await host.StartAsync();
        var app = host.Services.GetRequiredService<BraidApplication>();
        Assert.Equal("configured-app", app.Options.Streams.ApplicationId);
        Assert.Equal(2, app.Options.StreamThreads);
        Assert.Equal(TimeSpan.FromMilliseconds(50), app.Options.CommitInterval);
        Assert.Equal(ProcessingGuarantee.AtLeastOnce, app.Options.ProcessingGuarantee);
        Assert.Equal(2, app.Options.DefaultPartitions);
        app.CreateProducer("orders", Serdes.String, Serdes.String).Send("c1", "o1", 5);
        await app.WaitForIdleAsync(TestOptions.Idle);
        await host.StopAsync();
        Assert.Equal(StreamsState.NotRunning, app.State);
    }

    [Fact]
    public void AddBraid_FromConfiguration_RefusesAKeyThatNamesNoOption()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StateDirectory"] = "/tmp/x",
            ["StreamThread"] = "4", // a typo of StreamThreads: must not silently run with one thread
        }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => BraidServiceCollectionExtensions.BindOptions(config, null));
        Assert.Contains("StreamThread", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_WithACancelledToken_ReturnsCancelled_AndTheCloseStillCompletes()
    {
        using var dir = new TempDir();
        var app = new BraidApplication(CrashWorkload.Build(), TestOptions.For(dir.Path));
        await app.StartAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.CloseAsync(cts.Token));
        await app.CloseAsync(CancellationToken.None);
        Assert.Equal(StreamsState.NotRunning, app.State);
    }
}
