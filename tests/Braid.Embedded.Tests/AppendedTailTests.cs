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
        for (int i = 0; i < appended.Count; i++) Assert.Same(appended[i].Value, kept[i].Value);
        // A reader that is not a task gets its own arrays from the file.
        Assert.All(file, (r, i) => Assert.NotSame(appended[i].Value, r.Value));
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
        // Mutation: no _tail.Clear() in PartitionLog.CutUncommitted. The retry's records at the cut offsets carry headers
        // (never kept, and they do not restart the tail), and its next plain record lands at 250, exactly where the failed
        // commit's kept records ended: the dense-offset rule then extends the stale tail, and offsets 100..249 would be
        // served from the failed commit instead of the file.
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

    [Fact]
    public void OnlyTheNewestRecordsAreKept_TheOlderOnesAndThoseAfterABreak_ComeFromTheFile()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = Open(dir, fs);
        log.Read(0, 10, new List<RawRecord>(), kept: true);
        int n = AppendedTail.MaxRecords + 5000;
        var appended = Enumerable.Range(0, n).Select(i => Rec(i, "v")).ToList();
        for (int s = 0; s < n; s += 4000) log.Append(appended.Skip(s).Take(4000).ToList(), keep: true);
        log.VisibleEnd = log.EndOffset;
        var kept = ReadAll(log, 0, 1000, kept: true);
        AssertSameRecords(ReadAll(log, 0, 1000, kept: false), kept);
        Assert.Equal(n, kept.Count);
        Assert.NotSame(appended[0].Value, kept[0].Value);            // dropped: read from the file
        Assert.Same(appended[n - 1].Value, kept[n - 1].Value);        // the newest are kept
        // A record with headers and an append not kept (a producer) each break the tail: the file serves what follows.
        var more = new List<RawRecord> { Rec(n, "h") with { Headers = new Headers().Add("h", [1]) }, Rec(n + 1, "v") };
        log.Append(more, keep: true);
        log.Append([Rec(n + 2, "producer")]);
        var last = Rec(n + 3, "v");
        log.Append([last], keep: true);
        log.VisibleEnd = log.EndOffset;
        // One record per read: a read starting below the kept records reads the file up to its max.
        var tail = ReadAll(log, n, 1, kept: true);
        AssertSameRecords(ReadAll(log, n, 1000, kept: false), tail);
        Assert.Equal(Enumerable.Range(n, 4).Select(i => (long)i), tail.Select(r => r.Offset));
        Assert.Equal("h", Assert.Single(tail[0].Headers!).Key);
        Assert.NotSame(more[1].Value, tail[1].Value);                // forgotten at the producer's append
        Assert.Same(last.Value, tail[3].Value);
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
        var got = ReadAll(log, 0, 100, kept: true);
        Assert.Equal(50, got.Count);
        Assert.All(got, (r, i) => Assert.NotSame(appended[i].Value, r.Value));
    }
}
