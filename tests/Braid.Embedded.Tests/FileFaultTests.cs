using Braid.Embedded.Logs.Files;
using Braid.Internal.Faults;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>Faults under the logs (the swappable file layer): power loss, full disk, failed write or fsync.</summary>
public class FileFaultTests
{
    private static BraidApplicationOptions Options(string dir, LogFileSystem? fs) =>
        TestOptions.For(dir) with { Durability = Durability.PowerLoss, LogFiles = fs, SegmentBytes = 4096 };

    /// <summary>
    /// Records acknowledged by Flush, and everything a commit made visible, survive a simulated power loss; of
    /// what was never fsynced, any prefix may survive (torn at a random byte), and the restart cuts the torn
    /// tail and processes what survived exactly once. A commit that did not fsync its inputs or outputs first
    /// would leave committed offsets or high-water marks past a log's end: the reopen would fail.
    /// </summary>
    [Fact]
    public async Task PowerLoss_KeepsEverythingFlushedOrCommitted_AndRestartProcessesTheSurvivorsOnce()
    {
        for (int seed = 1; seed <= 12; seed++)
        {
            using var dir = new TempDir();
            string journal = Path.Combine(dir.Path, "fault-journal");
            await using (var app = new BraidApplication(CountingTopology.Build(), Options(dir.Path, new FaultInjectionLogFileSystem(journal))))
            {
                CountingTopology.Produce(app, 0, 100);
                await app.StartAsync();
                await app.WaitForIdleAsync(TestOptions.Idle);
                CountingTopology.Produce(app, 100, 60 + seed);
                app.CreateProducer("in", Serdes.String, Serdes.String).Flush();
            }
            // Nothing below this line was fsynced: written after the last flush and the closing commit.
            await using (var app = new BraidApplication(CountingTopology.Build(), Options(dir.Path, new FaultInjectionLogFileSystem(journal))))
                CountingTopology.Produce(app, 160 + seed, 40);
            var outcome = PowerLossSimulator.Apply(journal, new Random(seed));
            await using var reopened = new BraidApplication(CountingTopology.Build(), Options(dir.Path, null));
            var survivors = reopened.CreateReader("in", Serdes.String, Serdes.String).ReadToEnd().Select(r => int.Parse(r.Value![1..])).ToList();
            Assert.True(survivors.Count >= 160 + seed, $"seed {seed}: {survivors.Count} input records survived ({outcome})");
            Assert.Equal(Enumerable.Range(0, survivors.Count), survivors.Select((_, i) => i).ToList());
            Assert.Equal(Enumerable.Range(0, 160 + seed).Concat(Enumerable.Range(160 + seed, survivors.Count - 160 - seed)), survivors);
            await reopened.StartAsync();
            await reopened.WaitForIdleAsync(TestOptions.Idle);
            CountingTopology.AssertExactlyOnce(reopened, survivors.Count);
        }
    }

    [Fact]
    public async Task DiskFullDuringCommit_EndsInError_AndRestartLosesNothingAndDuplicatesNothing()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        await using (var app = new BraidApplication(CountingTopology.Build(), Options(dir.Path, fs)))
        {
            CountingTopology.Produce(app, 0, 300);
            fs.CapacityBytes = fs.UsedBytes + 3000;
            await app.StartAsync();
            var e = await Assert.ThrowsAsync<StreamsException>(() => app.WaitForIdleAsync(TestOptions.Idle));
            Assert.Contains("no space left on device", e.ToString());
        }
        await using var reopened = new BraidApplication(CountingTopology.Build(), Options(dir.Path, null));
        await reopened.StartAsync();
        await reopened.WaitForIdleAsync(TestOptions.Idle);
        CountingTopology.AssertExactlyOnce(reopened, 300);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(7, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(0, 5)]
    public async Task IoErrorOnTheNthWriteOrFsync_EndsInError_AndRestartLosesNothingAndDuplicatesNothing(int failWrite, int failSync)
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        await using (var app = new BraidApplication(CountingTopology.Build(), Options(dir.Path, fs)))
        {
            CountingTopology.Produce(app, 0, 300);
            fs.FailWriteNumber = failWrite == 0 ? 0 : fs.Writes + failWrite;
            fs.FailSyncNumber = failSync == 0 ? 0 : fs.Syncs + failSync;
            await app.StartAsync();
            var e = await Assert.ThrowsAsync<StreamsException>(() => app.WaitForIdleAsync(TestOptions.Idle));
            Assert.IsType<InjectedIOException>(e.InnerException is InjectedIOException ? e.InnerException : e.InnerException?.InnerException);
        }
        await using var reopened = new BraidApplication(CountingTopology.Build(), Options(dir.Path, null));
        await reopened.StartAsync();
        await reopened.WaitForIdleAsync(TestOptions.Idle);
        CountingTopology.AssertExactlyOnce(reopened, 300);
    }
}
