using Braid.Embedded.Logs;
using Braid.Embedded.Logs.Files;
using Braid.Embedded.Runtime;
using Braid.Internal;
using Braid.Internal.Faults;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// The log cleaner's rewrite under faults (through the fault-injecting file layer), and gaps in compacted logs:
/// those compaction leaves inside a segment are normal, a gap between segments is a lost segment.
/// </summary>
[Collection("Failpoints")]
public sealed class CompactionFaultTests : IDisposable
{
    private const int Keys = 7, Records = 300;

    public void Dispose() => Failpoints.Reset();

    private static RawRecord Rec(int i) =>
        new("t", 0, -1, System.Text.Encoding.UTF8.GetBytes("k" + (i % Keys)), System.Text.Encoding.UTF8.GetBytes("v" + i), i, null);

    /// <summary>How the application opens a compacted log without retention: segments must meet, the first at 0.</summary>
    private static readonly LogRecoveryRule Rule = new(null, 0, Contiguous: true, StartsAtZero: true);

    private static PartitionLog Open(string dir, LogFileSystem? fs = null) =>
        PartitionLog.Open("t", 0, Path.Combine(dir, "topics", "t", "0"), 1024, Rule, NullLogger.Instance, fs ?? LogFileSystem.Real);

    private static (PartitionLog Log, LogManager Logs, LogCleaner Cleaner) Written(string dir, LogFileSystem fs)
    {
        var options = new BraidApplicationOptions { StateDirectory = dir, LogFiles = fs, Topics = [new TopicOptions { Name = "t", Cleanup = CleanupPolicy.Compact, SegmentBytes = 1024 }] };
        var logs = new LogManager(dir, options);
        var log = logs.Open("t", 1, false, _ => null).Partitions[0];
        for (int i = 0; i < Records; i++) log.AppendAndPublish([Rec(i)]);
        log.Sync();
        return (log, logs, new LogCleaner(logs, TimeSpan.FromHours(1), NullLogger.Instance));
    }

    private static List<RawRecord> ReadAll(PartitionLog log)
    {
        var list = new List<RawRecord>();
        long next = 0;
        while (true)
        {
            int before = list.Count;
            next = log.Read(next, 1000, list);
            if (list.Count == before) return list;
        }
    }

    /// <summary>Every key's latest value is there, offsets increase, and nothing after the compaction point is lost.</summary>
    private static void AssertLatestPerKey(List<RawRecord> all)
    {
        var latest = all.GroupBy(r => System.Text.Encoding.UTF8.GetString(r.Key!)).ToDictionary(g => g.Key, g => System.Text.Encoding.UTF8.GetString(g.Last().Value!));
        for (int k = 0; k < Keys; k++) Assert.Equal("v" + Enumerable.Range(0, Records).Last(i => i % Keys == k), latest["k" + k]);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Offset < p.Second.Offset));
        Assert.Equal(Records - 1, all[^1].Offset);
    }

    [Fact]
    public void CompactedLog_GapsInsideSegments_ReopenAsCompaction_NotAsALostSegment()
    {
        using var dir = new TempDir();
        var (log, logs, cleaner) = Written(dir.Path, LogFileSystem.Real);
        int segments = log.Segments.Count;
        cleaner.Compact(log);
        var all = ReadAll(log);
        Assert.True(all.Count < Records / 2, $"{all.Count} records left");
        Assert.Contains(all.Zip(all.Skip(1)), p => p.Second.Offset - p.First.Offset > 1); // compaction left gaps
        logs.Dispose();
        using var again = Open(dir.Path);
        Assert.Equal(segments, again.Segments.Count);
        var reread = ReadAll(again);
        Assert.Equal(all.Select(r => r.Offset), reread.Select(r => r.Offset));
        AssertLatestPerKey(reread);
    }

    [Fact]
    public void CompactedLog_DeletedMiddleSegment_FailsNamingTheMissingOffsets()
    {
        using var dir = new TempDir();
        var (log, logs, cleaner) = Written(dir.Path, LogFileSystem.Real);
        cleaner.Compact(log);
        var victim = log.Segments[2];
        long from = victim.BaseOffset, to = log.Segments[3].BaseOffset - 1;
        logs.Dispose();
        File.Delete(victim.Path);
        using var again = Open(dir.Path);
        var e = Assert.Throws<CorruptLogException>(() => ReadAll(again));
        Assert.Contains($"offsets {from}..{to} are missing", e.Message);
    }

    /// <summary>
    /// An I/O error on each write and fsync of the rewrite in turn (a crash half-way through it), then a
    /// simulated power loss: the reopened log still holds the latest value of every key and every offset up to
    /// the end, whether the segment is the original or the compacted copy.
    /// </summary>
    [Fact]
    public void IoErrorAtEachWriteOrFsyncOfTheRewrite_ThenPowerLoss_KeepsTheLatestValueOfEveryKey()
    {
        for (int n = 1; n <= 12; n++)
        {
            foreach (bool sync in new[] { false, true })
            {
                using var dir = new TempDir();
                string journal = Path.Combine(dir.Path, "journal");
                var fs = new FaultInjectionLogFileSystem(journal);
                var (log, logs, cleaner) = Written(dir.Path, fs);
                if (sync) fs.FailSyncNumber = fs.Syncs + n;
                else fs.FailWriteNumber = fs.Writes + n;
                try
                {
                    cleaner.Compact(log);
                }
                catch (IOException)
                {
                    // the injected fault: the pass stops here
                }
                AssertLatestPerKey(ReadAll(log)); // the running log is unharmed too
                logs.Dispose();
                PowerLossSimulator.Apply(journal, new Random(n));
                using var again = Open(dir.Path);
                AssertLatestPerKey(ReadAll(again));
                Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "topics", "t", "0"), "*.cleaned"));
            }
        }
    }

    /// <summary>An I/O error right after the compacted copy is renamed over its segment (directory not fsynced):
    /// the running log must read the new file, not the closed old one, and a reopen sees a whole log.</summary>
    [Fact]
    public void IoErrorAfterTheRename_LeavesTheRunningLogReadable_AndTheReopenWhole()
    {
        using var dir = new TempDir();
        var (log, logs, cleaner) = Written(dir.Path, LogFileSystem.Real);
        Failpoints.Arm(EmbeddedFailpoints.CleanerAfterRename, FailpointAction.IoError, onHit: 2);
        Assert.ThrowsAny<IOException>(() => cleaner.Compact(log));
        Failpoints.Reset();
        AssertLatestPerKey(ReadAll(log));
        cleaner.Compact(log); // the next pass finishes the job
        AssertLatestPerKey(ReadAll(log));
        logs.Dispose();
        using var again = Open(dir.Path);
        AssertLatestPerKey(ReadAll(again));
    }
}
