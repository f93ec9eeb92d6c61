using Braid.Serialization;

namespace Braid.Embedded.Tests;

public class LifecycleTests
{
    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    private static Topology Upper(Func<string?, string?>? map = null)
    {
        var b = new StreamsBuilder();
        b.Stream("in", Strings).MapValues(v => (map ?? (x => x?.ToUpperInvariant()))(v)).To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    private static void Produce(BraidApplication app, int from, int count) =>
        app.CreateProducer("in", Serdes.String, Serdes.String)
            .Send(Enumerable.Range(from, count).Select(i => new TopicRecord<string, string>("k" + (i % 5), "v" + i, i)));

    [Theory]
    [InlineData("StreamThreads")]
    [InlineData("StateDirectory")]
    [InlineData("CommitInterval")]
    [InlineData("DefaultPartitions")]
    [InlineData("SegmentBytes")]
    [InlineData("MaxPollRecords")]
    [InlineData("Topics[t].Partitions")]
    [InlineData("ApplicationId")]
    public void BadConfig_ThrowsTypedErrorNamingTheKey_BeforeWritingAnything(string key)
    {
        using var dir = new TempDir();
        var good = TestOptions.For(dir.Path);
        var bad = key switch
        {
            "StreamThreads" => good with { StreamThreads = 0 },
            "StateDirectory" => good with { StateDirectory = " " },
            "CommitInterval" => good with { CommitInterval = TimeSpan.FromMilliseconds(-1) },
            "DefaultPartitions" => good with { DefaultPartitions = 0 },
            "SegmentBytes" => good with { SegmentBytes = 10 },
            "MaxPollRecords" => good with { MaxPollRecords = 0 },
            "Topics[t].Partitions" => good with { Topics = [new TopicOptions { Name = "t", Partitions = -2 }] },
            _ => good with { Streams = new StreamsConfig { ApplicationId = "bad id!" } },
        };
        var e = Assert.Throws<ConfigException>(() => new BraidApplication(Upper(), bad));
        Assert.Equal(key, e.Key);
        Assert.False(Directory.Exists(dir.Path));
    }

    [Fact]
    public void LockedStateDirectory_IsAClearError()
    {
        using var dir = new TempDir();
        using var first = new BraidApplication(Upper(), TestOptions.For(dir.Path));
        var e = Assert.Throws<StateDirectoryLockedException>(() => new BraidApplication(Upper(), TestOptions.For(dir.Path)));
        Assert.Contains("test-app", e.Message);
    }

    [Fact]
    public async Task StateListener_SeesTheWholeLifeCycle_AndCloseCommits()
    {
        using var dir = new TempDir();
        var states = new List<StreamsState>();
        await using (var app = new BraidApplication(Upper(), TestOptions.For(dir.Path) with { CommitInterval = TimeSpan.FromHours(1) }))
        {
            app.StateChanged += (_, change) => { lock (states) states.Add(change.NewState); };
            Produce(app, 0, 100);
            await app.StartAsync();
            Assert.Equal(StreamsState.Running, app.State);
            await app.WaitForIdleAsync(TestOptions.Idle);
            await app.CloseAsync();
            Assert.Equal(StreamsState.NotRunning, app.State);
        }
        Assert.Equal([StreamsState.Rebalancing, StreamsState.Running, StreamsState.PendingShutdown, StreamsState.NotRunning], states);
        using var reopened = new BraidApplication(Upper(), TestOptions.For(dir.Path));
        Assert.Equal(100, reopened.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Count);
    }

    [Fact]
    public async Task Restart_ResumesFromCommittedOffsets_WithoutDuplicates()
    {
        using var dir = new TempDir();
        for (int round = 0; round < 3; round++)
        {
            await using var app = new BraidApplication(Upper(), TestOptions.For(dir.Path, partitions: 2, threads: 2));
            Produce(app, round * 100, 100);
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
        }
        using var final = new BraidApplication(Upper(), TestOptions.For(dir.Path, partitions: 2));
        var values = final.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => "V" + i).Order(), values);
    }

    [Fact]
    public async Task ReplaceThread_RestartsTasksFromLastCommit_NoLossNoDuplicates()
    {
        using var dir = new TempDir();
        int failures = 0;
        var topology = Upper(v =>
        {
            if (v == "v150" && Interlocked.Increment(ref failures) == 1) throw new InvalidOperationException("boom");
            return v?.ToUpperInvariant();
        });
        int handled = 0;
        var options = TestOptions.For(dir.Path) with
        {
            UncaughtExceptionHandler = _ =>
            {
                Interlocked.Increment(ref handled);
                return StreamThreadExceptionResponse.ReplaceThread;
            },
        };
        await using var app = new BraidApplication(topology, options);
        Produce(app, 0, 300);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        Assert.Equal(1, handled);
        Assert.Equal(StreamsState.Running, app.State);
        var values = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => "V" + i).Order(), values);
    }

    [Fact]
    public async Task ShutdownResponse_MovesToError_AndKeepsCommittedData()
    {
        using var dir = new TempDir();
        var topology = Upper(v => v == "v50" ? throw new InvalidOperationException("boom") : v);
        await using var app = new BraidApplication(topology, TestOptions.For(dir.Path));
        Produce(app, 0, 100);
        await app.StartAsync();
        var e = await Assert.ThrowsAsync<StreamsException>(() => app.WaitForIdleAsync(TestOptions.Idle));
        Assert.Contains("boom", e.Message);
        for (int i = 0; i < 200 && app.State != StreamsState.Error; i++) await Task.Delay(10);
        Assert.Equal(StreamsState.Error, app.State);
        // The error names where it happened, with the user's exception inside (issue 14).
        var failed = Assert.IsType<RecordProcessingException>(app.Error);
        Assert.IsType<InvalidOperationException>(failed.InnerException);
        Assert.Equal("in", failed.Topic);
        Assert.True(failed.Offset >= 0);
    }

    [Fact]
    public async Task ProducingIntoAnOutputTopic_IsRefused()
    {
        using var dir = new TempDir();
        await using var app = new BraidApplication(Upper(), TestOptions.For(dir.Path));
        Assert.Throws<InvalidOperationException>(() => app.CreateProducer<string, string>("out"));
        Assert.Throws<UnknownTopicException>(() => app.CreateReader<string, string>("nope"));
    }

    [Fact]
    public async Task FollowAsync_DeliversRecordsAsTheyAreCommitted()
    {
        using var dir = new TempDir();
        await using var app = new BraidApplication(Upper(), TestOptions.For(dir.Path));
        await app.StartAsync();
        var reader = app.CreateReader("out", Serdes.String, Serdes.String);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var got = new List<string?>();
        var follow = Task.Run(async () =>
        {
            await foreach (var r in reader.FollowAsync(cts.Token))
            {
                got.Add(r.Value);
                if (got.Count == 20) break;
            }
        });
        Produce(app, 0, 20);
        await follow;
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "V" + i).Order(), got.Order());
    }
}
