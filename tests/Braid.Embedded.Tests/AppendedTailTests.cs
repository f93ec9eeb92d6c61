using Braid.Embedded.Logs;
using Braid.Embedded.Logs.Files;
using Braid.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// A log keeps what a stream thread's sinks appended (<see cref="AppendedTail"/>) for the task that reads it next, so a
/// repartition's consumer does not read the file back and decode every record into new arrays (issue 19, session 7).
/// The kept records must be exactly the file's: same offsets, keys, values, timestamps; never one above the visible end;
/// never one a cut removed; and once they are dropped (oldest first, or all at a break) the file serves them.
/// </summary>
public class AppendedTailTests
{
    private static RawRecord Rec(int i, string tag) =>
        new("t", 0, -1, System.Text.Encoding.UTF8.GetBytes("k" + i), System.Text.Encoding.UTF8.GetBytes(tag + i), 1000 + i, null);

    private static PartitionLog Open(TempDir dir, FaultInjectionLogFileSystem fs) =>
        PartitionLog.Open("t", 0, dir.Path, 64 << 20, LogRecoveryRule.For(null), NullLogger.Instance, fs);

    /// <summary>Reads every visible record from <paramref name="from"/> in fetches of <paramref name="batch"/>.</summary>
    private static List<RawRecord> ReadAll(PartitionLog log, long from, int batch, bool kept)
    {
        var got = new List<RawRecord>();
        long next = from;
        while (next < log.VisibleEnd) next = log.Read(next, batch, got, kept);
        return got;
    }

    private static void AssertSameRecords(IReadOnlyList<RawRecord> want, IReadOnlyList<RawRecord> got)
    {
        Assert.Equal(want.Count, got.Count);
        for (int i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i].Offset, got[i].Offset);
            Assert.Equal(want[i].Timestamp, got[i].Timestamp);
            Assert.Equal(want[i].Key, got[i].Key);
            Assert.Equal(want[i].Value, got[i].Value);
        }
    }

    [Fact]
    public void KeptRecords_AreTheAppendedArrays_AtTheirOffsets_EqualToTheFile_AndReadWithoutTouchingIt()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        log.Read(0, 10, new List<RawRecord>(), kept: true); // a task reads this log: appends are kept from now on
        var appended = new List<RawRecord>();
        for (int batch = 0; batch < 5; batch++)
        {
            var records = Enumerable.Range(batch * 300, 300).Select(i => Rec(i, "v")).ToList();
            log.Append(records, keep: true);
            log.VisibleEnd = log.EndOffset;
            appended.AddRange(records);
        }
        long readBefore = fs.ReadBytes;
        var kept = ReadAll(log, 0, 7, kept: true);
        Assert.Equal(readBefore, fs.ReadBytes);
        var file = ReadAll(log, 0, 7, kept: false);
        AssertSameRecords(file, kept);
        Assert.Equal(Enumerable.Range(0, 1500).Select(i => (long)i), kept.Select(r => r.Offset));
        AssertSameRecords(appended.Select((r, i) => r with { Offset = i }).ToList(), kept);
        // A reader that is not a task reads the file.
        Assert.True(fs.ReadBytes > readBefore);
        // Nothing is shared with the writer: the kept frames are decoded into fresh arrays.
        Assert.All(kept, (r, i) => Assert.NotSame(appended[i].Value, r.Value));
    }

    /// <summary>
    /// The dense-offset rule (<see cref="AppendedTail.Add"/> starts afresh when a record does not follow the kept ones):
    /// a retry appended at the cut offset (100) does not follow the failed commit's kept records (they end at 250), so
    /// the tail restarts there. This passes even without the cut's own <c>Clear()</c>: reads between the cut and the retry
    /// stop at the visible end. The next test is the one that needs the cut to clear.
    /// </summary>
    [Fact]
    public void KeptRecords_AboveTheVisibleEnd_AreNotServed_AndARetryAtTheCutOffset_RestartsThem()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        log.Read(0, 10, new List<RawRecord>(), kept: true);
        log.Append(Enumerable.Range(0, 100).Select(i => Rec(i, "a")).ToList(), keep: true);
        log.VisibleEnd = log.EndOffset; // committed: 0..99
        // A commit appends 100..249 and fails before publishing.
        log.Append(Enumerable.Range(100, 150).Select(i => Rec(i, "failed")).ToList(), keep: true);
        var early = new List<RawRecord>();
        Assert.Equal(100, log.Read(0, 1000, early, kept: true));
        Assert.Equal(100, early.Count);
        Assert.Equal(100, log.Read(100, 1000, early, kept: true));
        Assert.Equal(100, early.Count);
        log.CutUncommitted();
        Assert.Equal(100, log.EndOffset);
        // The retry produces different records at the same offsets (fewer of them): only those may be read.
        log.Append(Enumerable.Range(100, 120).Select(i => Rec(i, "retried")).ToList(), keep: true);
        log.VisibleEnd = log.EndOffset;
        var kept = ReadAll(log, 0, 64, kept: true);
        AssertSameRecords(ReadAll(log, 0, 64, kept: false), kept);
        Assert.Equal(220, kept.Count);
        Assert.All(kept.Skip(100), r => Assert.StartsWith("retried", System.Text.Encoding.UTF8.GetString(r.Value!), StringComparison.Ordinal));
    }

    [Fact]
    public void ACut_ForgetsTheFailedCommitsKeptRecords_EvenWhenTheRetryEndsWhereTheyEnded()
    {
        // Written for the record tail of session 7 (mutation then: no _tail.Clear() in PartitionLog.CutUncommitted; records
        // with headers were not kept and did not restart the tail, so the retry's next plain record at 250 extended the
        // stale one). Since session 12 the tail keeps whole appends' frames, headers included, and an append at the cut
        // offset does not follow the stale frames (they end at 250), so the dense-offset rule restarts the tail too: the
        // cut's clear is a second guard. The test stays: the retried records, never the failed ones, must be served.
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        log.Read(0, 10, new List<RawRecord>(), kept: true);
        log.Append(Enumerable.Range(0, 100).Select(i => Rec(i, "a")).ToList(), keep: true);
        log.VisibleEnd = log.EndOffset;
        log.Append(Enumerable.Range(100, 150).Select(i => Rec(i, "failed")).ToList(), keep: true);
        log.CutUncommitted();
        var headers = new Headers().Add("h", [1]);
        log.Append(Enumerable.Range(100, 150).Select(i => Rec(i, "retried") with { Headers = headers }).ToList(), keep: true);
        log.Append([Rec(250, "retried")], keep: true);
        log.VisibleEnd = log.EndOffset;
        var kept = ReadAll(log, 100, 64, kept: true);
        AssertSameRecords(ReadAll(log, 100, 64, kept: false), kept);
        Assert.Equal(151, kept.Count);
        Assert.All(kept, r => Assert.StartsWith("retried", System.Text.Encoding.UTF8.GetString(r.Value!), StringComparison.Ordinal));
    }

    // Bug caught (review, session 12): the cap counted frame bytes, so a consumer lagging behind many small appends let
    // the tail hold a whole pooled block per append (249 MiB for 1,000 one-record appends). Mutation: count
    // block.Length instead of block.Data.Length in AppendedTail.Add/DropOldest — this test keeps all 1,000.
    [Fact]
    public void ManySmallKeptAppends_HoldAtMostTheCapInBlocks_TheNewestKept()
    {
        var tail = new AppendedTail("t", 0);
        for (int i = 0; i < 1000; i++)
        {
            var frames = new FrameBuffer(minBlockBytes: FrameBuffer.BlockBytes); // a full block for one small record
            frames.Add(Rec(i, "v"));
            Assert.True(tail.Add(frames, i));
        }
        Assert.InRange(tail.KeptBytes, 1, AppendedTail.MaxBytes);
        Assert.Equal(AppendedTail.MaxBytes / FrameBuffer.BlockBytes, tail.Count);
        Assert.Equal(1000, tail.EndOffset);
        var read = new List<RawRecord>();
        Assert.Equal(1, tail.Read(999, 1000, 10, read));
        Assert.Equal(Rec(999, "v").Value, read[0].Value);
        tail.Clear();
    }

    [Fact]
    public void OnlyTheNewestAppendsAreKept_TheOlderOnesAndThoseAfterABreak_ComeFromTheFile()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        log.Read(0, 10, new List<RawRecord>(), kept: true);
        // Five appends of 20 MiB: the kept blocks are capped at 64 MiB, so the oldest two are forgotten, whole. (The cap
        // counts blocks, and a frame over 256 KiB gets a pooled block of its own, rounded up to a power of two: values
        // just under 1 MiB make each block 1 MiB.)
        var big = new byte[(1 << 20) - 256];
        var appended = Enumerable.Range(0, 100).Select(i => Rec(i, "v") with { Value = big.Append((byte)i).ToArray() }).ToList();
        for (int s = 0; s < 100; s += 20) log.Append(appended.Skip(s).Take(20).ToList(), keep: true);
        log.VisibleEnd = log.EndOffset;
        long before = fs.ReadBytes;
        var kept = ReadAll(log, 0, 7, kept: true);
        long fileRead = fs.ReadBytes - before;
        AssertSameRecords(appended.Select((r, i) => r with { Offset = i }).ToList(), kept);
        Assert.InRange(fileRead, 39L << 20, 44L << 20); // offsets 0..39 (and a little over) from the file, the rest kept
        // A record with headers is kept; an append not kept (a producer) breaks the tail: the file serves what follows.
        var more = new List<RawRecord> { Rec(100, "h") with { Headers = new Headers().Add("h", [1]) }, Rec(101, "v") };
        log.Append(more, keep: true);
        log.VisibleEnd = log.EndOffset;
        before = fs.ReadBytes;
        var withHeaders = ReadAll(log, 100, 1, kept: true);
        Assert.Equal(before, fs.ReadBytes);
        Assert.Equal("h", Assert.Single(withHeaders[0].Headers!).Key);
        log.Append([Rec(102, "producer")]);
        var last = Rec(103, "v");
        log.Append([last], keep: true);
        log.VisibleEnd = log.EndOffset;
        before = fs.ReadBytes;
        var tail = ReadAll(log, 100, 1, kept: true);
        Assert.True(fs.ReadBytes > before);                        // 100..102 forgotten at the producer's append
        AssertSameRecords(ReadAll(log, 100, 1000, kept: false), tail);
        Assert.Equal(Enumerable.Range(100, 4).Select(i => (long)i), tail.Select(r => r.Offset));
    }

    [Fact]
    public void ALogNoTaskReads_KeepsNothing()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        var appended = Enumerable.Range(0, 50).Select(i => Rec(i, "v")).ToList();
        log.Append(appended, keep: true); // a final output topic: never read by a task
        log.VisibleEnd = log.EndOffset;
        long before = fs.ReadBytes;
        var got = ReadAll(log, 0, 100, kept: true);
        Assert.Equal(50, got.Count);
        Assert.True(fs.ReadBytes > before); // read from the file: nothing was kept
    }

    /// <summary>A log whose reader task declared itself before anything was appended keeps the very first append: the
    /// reader's first fetch (which comes only once something is visible) reads nothing from the file.</summary>
    [Fact]
    public void ALogATaskDeclaredItReads_KeepsTheFirstAppend_BeforeAnyRead()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        log.WantAppendsKept();
        var appended = Enumerable.Range(0, 50).Select(i => Rec(i, "v")).ToList();
        log.Append(appended, keep: true);
        log.VisibleEnd = log.EndOffset;
        var got = ReadAll(log, 0, 100, kept: true);
        Assert.Equal(0, fs.ReadBytes);
        AssertSameRecords(appended.Select((r, i) => r with { Offset = i }).ToList(), got);
    }
}
