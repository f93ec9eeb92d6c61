namespace Braid.Embedded.Tests;

/// <summary>Issue 15, row 9: damage inside RocksDB's write-ahead log is an error, not a silent roll-back.</summary>
public class StateWalDamageTests
{
    [Fact]
    public async Task FlippedByteInTheMiddleOfTheStateWal_FailsTheOpen_InsteadOfRollingStateBack()
    {
        using var dir = new TempDir();
        string appDir;
        await using (var app = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)))
        {
            appDir = app.AppDirectory;
            await app.StartAsync();
            // Many small commits: many records in the write-ahead log.
            for (int i = 0; i < 20; i++)
            {
                CountingTopology.Produce(app, i * 10, 10);
                await app.WaitForIdleAsync(TestOptions.Idle);
            }
        }
        var wal = Directory.GetFiles(Path.Combine(appDir, "state", "rocksdb"), "*.log").OrderByDescending(f => new FileInfo(f).Length).First();
        long length = new FileInfo(wal).Length;
        Assert.True(length > 4096, $"the write-ahead log {wal} holds {length} bytes");
        RecoveryFaultTests.FlipBit(wal, length / 2, 0);
        var e = Assert.ThrowsAny<StateStoreException>(() => new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path)));
        Assert.Contains("corrupt", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Path.Combine(appDir, "state"), e.Message);
    }
}
