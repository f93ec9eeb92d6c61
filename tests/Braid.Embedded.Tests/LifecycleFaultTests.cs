namespace Braid.Embedded.Tests;

/// <summary>Issue 15, rows 10–12: lifecycle misuse ends in a clear outcome, never a hang or a stray write.</summary>
public class LifecycleFaultTests
{
    // Row 10.
    [Fact]
    public async Task StartAsync_WithCancelledToken_StaysCreated_AndCanStartLater()
    {
        using var dir = new TempDir();
        await using var app = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path));
        CountingTopology.Produce(app, 0, 10);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.StartAsync(new CancellationToken(canceled: true)));
        Assert.Equal(StreamsState.Created, app.State);
        await app.StartAsync();
        Assert.Equal(StreamsState.Running, app.State);
        await app.WaitForIdleAsync(TestOptions.Idle);
        CountingTopology.AssertExactlyOnce(app, 10);
    }

    // Row 11.
    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public void ApplicationIdLeavingTheStateDirectory_IsRejectedBeforeAnythingIsWritten(string id)
    {
        using var dir = new TempDir();
        string stateDir = Path.Combine(dir.Path, "state");
        var options = TestOptions.For(stateDir) with { Streams = new StreamsConfig { ApplicationId = id } };
        var e = Assert.Throws<ConfigException>(() => new BraidApplication(CountingTopology.Build(), options));
        Assert.Equal("ApplicationId", e.Key);
        Assert.False(Directory.Exists(dir.Path));
    }

    // Row 12.
    [Fact]
    public async Task ConcurrentCloseAsync_BothComplete_AndTheApplicationEndsNotRunning()
    {
        using var dir = new TempDir();
        var app = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path));
        CountingTopology.Produce(app, 0, 200);
        await app.StartAsync();
        var closes = Enumerable.Range(0, 4).Select(_ => Task.Run(() => app.CloseAsync())).Append(Task.Run(app.Dispose)).ToArray();
        await Task.WhenAll(closes);
        Assert.Equal(StreamsState.NotRunning, app.State);
        await app.DisposeAsync();
    }
}
