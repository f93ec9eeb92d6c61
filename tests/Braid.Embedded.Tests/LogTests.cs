using Braid.Embedded.Logs;
using Braid.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Embedded.Tests;

public class LogTests
{
    private static RawRecord Rec(string key, string? value, long ts) =>
        new("t", 0, -1, System.Text.Encoding.UTF8.GetBytes(key), value is null ? null : System.Text.Encoding.UTF8.GetBytes(value), ts, null);

    private static List<RawRecord> ReadAll(PartitionLog log)
    {
        var list = new List<RawRecord>();
        log.Read(0, int.MaxValue, list);
        return list;
    }

    private static string Value(RawRecord r) => r.Value is null ? "<null>" : System.Text.Encoding.UTF8.GetString(r.Value);

    [Fact]
    public void Append_AssignsDenseOffsets_AndReadsBackAcrossSegments()
    {
        using var dir = new TempDir();
        using var log = PartitionLog.Open("t", 0, dir.Path, 1024, null, NullLogger.Instance);
        for (int i = 0; i < 100; i++) log.AppendAndPublish([Rec("k" + i, "value-" + i, i)]);
        Assert.True(Directory.GetFiles(dir.Path, "*.log").Length > 1);
        var all = ReadAll(log);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), all.Select(r => r.Offset));
        Assert.Equal("value-42", Value(all[42]));
        var from57 = new List<RawRecord>();
        log.Read(57, 3, from57);
        Assert.Equal([57L, 58L, 59L], from57.Select(r => r.Offset));
    }

    [Fact]
    public void TornTail_IsCutBackToLastWholeRecord_WithWarningNamingFileAndPosition()
    {
        using var dir = new TempDir();
        string file;
        long goodLength;
        using (var log = PartitionLog.Open("t", 0, dir.Path, 1 << 20, null, NullLogger.Instance))
        {
            for (int i = 0; i < 10; i++) log.AppendAndPublish([Rec("k", "v" + i, i)]);
            file = Directory.GetFiles(dir.Path, "*.log").Single();
            goodLength = new FileInfo(file).Length;
        }
        // A crash mid-write: half a frame at the end.
        var frame = new byte[40];
        BitConverter.TryWriteBytes(frame, 200);
        using (var f = new FileStream(file, FileMode.Append)) f.Write(frame);
        var logs = new ListLoggerFactory();
        using var reopened = PartitionLog.Open("t", 0, dir.Path, 1 << 20, null, logs.CreateLogger("x"));
        Assert.Equal(10, ReadAll(reopened).Count);
        Assert.Equal(10, reopened.EndOffset);
        Assert.Equal(goodLength, new FileInfo(file).Length);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(file, warning.Message);
        Assert.Contains(goodLength.ToString(), warning.Message);
    }

    [Fact]
    public void CorruptLastRecord_WithNothingAfter_IsTreatedAsTornTail()
    {
        using var dir = new TempDir();
        string file;
        using (var log = PartitionLog.Open("t", 0, dir.Path, 1 << 20, null, NullLogger.Instance))
        {
            for (int i = 0; i < 5; i++) log.AppendAndPublish([Rec("k", "v" + i, i)]);
            file = Directory.GetFiles(dir.Path, "*.log").Single();
        }
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        using var reopened = PartitionLog.Open("t", 0, dir.Path, 1 << 20, null, NullLogger.Instance);
        Assert.Equal(4, ReadAll(reopened).Count);
    }

    [Fact]
    public void CorruptionInTheMiddle_IsAnError_NeverSkipped()
    {
        using var dir = new TempDir();
        string file;
        using (var log = PartitionLog.Open("t", 0, dir.Path, 1 << 20, null, NullLogger.Instance))
        {
            for (int i = 0; i < 5; i++) log.AppendAndPublish([Rec("k", "v" + i, i)]);
            file = Directory.GetFiles(dir.Path, "*.log").Single();
        }
        var bytes = File.ReadAllBytes(file);
        bytes[20] ^= 0xFF; // inside the first record's body
        File.WriteAllBytes(file, bytes);
        var e = Assert.Throws<CorruptLogException>(() => PartitionLog.Open("t", 0, dir.Path, 1 << 20, null, NullLogger.Instance));
        Assert.Equal(file, e.FilePath);
        Assert.Equal(0, e.Position);
    }

    [Fact]
    public void CorruptionInASealedSegment_IsAnErrorWhenRead()
    {
        using var dir = new TempDir();
        using (var log = PartitionLog.Open("t", 0, dir.Path, 1024, null, NullLogger.Instance))
        {
            for (int i = 0; i < 100; i++) log.AppendAndPublish([Rec("k" + i, "value-" + i, i)]);
        }
        var first = Directory.GetFiles(dir.Path, "*.log").Order().First();
        var bytes = File.ReadAllBytes(first);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(first, bytes);
        using var reopened = PartitionLog.Open("t", 0, dir.Path, 1024, null, NullLogger.Instance);
        var e = Assert.Throws<CorruptLogException>(() => ReadAll(reopened));
        Assert.Equal(first, e.FilePath);
    }

    [Fact]
    public void Open_WithCommittedEnd_DropsUncommittedRecords_EvenAcrossSegments()
    {
        using var dir = new TempDir();
        using (var log = PartitionLog.Open("t", 0, dir.Path, 1024, null, NullLogger.Instance))
        {
            for (int i = 0; i < 100; i++) log.AppendAndPublish([Rec("k" + i, "value-" + i, i)]);
        }
        using var reopened = PartitionLog.Open("t", 0, dir.Path, 1024, committedEnd: 37, NullLogger.Instance);
        Assert.Equal(37, reopened.EndOffset);
        Assert.Equal(37, ReadAll(reopened).Count);
        Assert.Equal(37, reopened.AppendAndPublish([Rec("again", "x", 1)]) - 1);
    }

    [Fact]
    public void CutUncommitted_RemovesRecordsOfAFailedCommit_SoNoLaterCommitPublishesThem()
    {
        using var dir = new TempDir();
        using var log = PartitionLog.Open("t", 0, dir.Path, 1024, 0, NullLogger.Instance);
        log.Append(Enumerable.Range(0, 60).Select(i => Rec("k" + i, "v" + i, i)).ToList());
        log.VisibleEnd = 25;
        log.CutUncommitted();
        Assert.Equal(25, log.EndOffset);
        Assert.Equal(25, log.Append([Rec("next", "n", 99)]) - 1);
        log.VisibleEnd = log.EndOffset;
        var all = ReadAll(log);
        Assert.Equal(26, all.Count);
        Assert.Equal("n", Value(all[^1]));
    }

    [Fact]
    public void OneLargeAppend_IsIndexedThroughout_SoAReadFromItsMiddleSeeksNearItsOffset()
    {
        // One producer batch (or one commit's output) is one Append: with one index entry per call, every read
        // from its middle started at its first record (quadratic reading of a batch-written input, issue 19).
        using var dir = new TempDir();
        using var log = PartitionLog.Open("t", 0, dir.Path, 64L << 20, null, NullLogger.Instance);
        const int n = 10_000;
        log.AppendAndPublish(Enumerable.Range(0, n).Select(i => Rec("k" + i.ToString("D6"), "v" + i.ToString("D6"), i)).ToList());
        var seg = Assert.Single(log.Segments);
        long frame = seg.Size / n; // every frame has the same size here
        foreach (long offset in new long[] { 1, 4_321, 9_000, n - 1 })
        {
            long position = offset * frame;
            long seek = seg.PositionFor(offset);
            Assert.InRange(position - seek, 0, LogSegment.IndexIntervalBytes + frame);
        }
        var read = new List<RawRecord>();
        log.Read(9_000, 2, read);
        Assert.Equal([9_000L, 9_001L], read.Select(r => r.Offset));
        Assert.Equal("v009000", Value(read[0]));
    }

    [Fact]
    public void Readers_SeeOnlyBelowTheVisibleEnd()
    {
        using var dir = new TempDir();
        using var log = PartitionLog.Open("t", 0, dir.Path, 1 << 20, 0, NullLogger.Instance);
        log.Append([Rec("a", "1", 1), Rec("b", "2", 2)]);
        Assert.Empty(ReadAll(log));
        log.VisibleEnd = 1;
        Assert.Single(ReadAll(log));
    }

    [Fact]
    public void Compaction_KeepsTheLatestValuePerKey()
    {
        using var dir = new TempDir();
        var options = new BraidApplicationOptions { StateDirectory = dir.Path, Topics = [new TopicOptions { Name = "t", Cleanup = CleanupPolicy.Compact, SegmentBytes = 1024 }] };
        using var logs = new LogManager(dir.Path, options);
        var log = logs.Open("t", 1, false, _ => null).Partitions[0];
        for (int i = 0; i < 300; i++) log.AppendAndPublish([Rec("k" + (i % 7), "v" + i, i)]);
        new LogCleaner(logs, TimeSpan.FromHours(1), NullLogger.Instance).RunOnce(0);
        var all = ReadAll(log);
        Assert.True(all.Count < 300);
        var latest = all.GroupBy(r => System.Text.Encoding.UTF8.GetString(r.Key!)).ToDictionary(g => g.Key, g => Value(g.Last()));
        for (int k = 0; k < 7; k++)
        {
            int last = Enumerable.Range(0, 300).Last(i => i % 7 == k);
            Assert.Equal("v" + last, latest["k" + k]);
        }
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Offset < p.Second.Offset));
        // Compacted segments survive a reopen.
        logs.Dispose();
        using var again = PartitionLog.Open("t", 0, Path.Combine(dir.Path, "topics", "t", "0"), 1024, null, NullLogger.Instance);
        Assert.Equal(all.Select(r => r.Offset), ReadAll(again).Select(r => r.Offset));
    }

    [Fact]
    public void KeepAllTopic_KeepsEveryVersion()
    {
        using var dir = new TempDir();
        var options = new BraidApplicationOptions { StateDirectory = dir.Path, Topics = [new TopicOptions { Name = "rates", Cleanup = CleanupPolicy.KeepAll, SegmentBytes = 1024 }] };
        using var logs = new LogManager(dir.Path, options);
        var log = logs.Open("rates", 1, false, _ => null).Partitions[0];
        for (int i = 0; i < 300; i++) log.AppendAndPublish([Rec("tax", "rate" + i, i)]);
        new LogCleaner(logs, TimeSpan.FromHours(1), NullLogger.Instance).RunOnce(long.MaxValue);
        Assert.Equal(300, ReadAll(log).Count);
    }

    [Fact]
    public void RetentionBySize_DeletesOldestSegments()
    {
        using var dir = new TempDir();
        var options = new BraidApplicationOptions { StateDirectory = dir.Path, Topics = [new TopicOptions { Name = "t", RetentionBytes = 4096, SegmentBytes = 1024 }] };
        using var logs = new LogManager(dir.Path, options);
        var log = logs.Open("t", 1, false, _ => null).Partitions[0];
        for (int i = 0; i < 300; i++) log.AppendAndPublish([Rec("k", "v" + i, i)]);
        new LogCleaner(logs, TimeSpan.FromHours(1), NullLogger.Instance).RunOnce(0);
        Assert.True(log.SizeBytes <= 4096 + 1024);
        Assert.True(log.StartOffset > 0);
        var all = ReadAll(log);
        Assert.Equal(299, all[^1].Offset);
        Assert.Equal(log.StartOffset, all[0].Offset);
    }

    [Fact]
    public void RetentionByTime_DeletesSegmentsWhoseNewestRecordIsTooOld()
    {
        using var dir = new TempDir();
        var options = new BraidApplicationOptions { StateDirectory = dir.Path, Topics = [new TopicOptions { Name = "t", RetentionTime = TimeSpan.FromSeconds(1), SegmentBytes = 1024 }] };
        using var logs = new LogManager(dir.Path, options);
        var log = logs.Open("t", 1, false, _ => null).Partitions[0];
        for (int i = 0; i < 300; i++) log.AppendAndPublish([Rec("k", "v" + i, i < 200 ? 1000 : 100_000)]);
        new LogCleaner(logs, TimeSpan.FromHours(1), NullLogger.Instance).RunOnce(50_000);
        var all = ReadAll(log);
        Assert.True(all[0].Offset > 100);
        Assert.Contains(all, r => r.Offset == 199);
    }
}
