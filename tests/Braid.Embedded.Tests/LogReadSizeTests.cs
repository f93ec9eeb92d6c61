using Braid.Embedded.Logs;
using Braid.Embedded.Logs.Files;
using Braid.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// How much a log read copies out of its file: about the records it returns (issue 19, session 6: every fetch used to
/// read a whole 256 KiB buffer to decode a few hundred small records), and whole records whatever the estimate.
/// </summary>
public class LogReadSizeTests
{
    private static RawRecord Rec(int i, int valueBytes) =>
        new("t", 0, -1, System.Text.Encoding.UTF8.GetBytes("k" + i), Enumerable.Repeat((byte)(i % 251), valueBytes).ToArray(), i, null);

    [Fact]
    public void Fetches_OfAFewHundredSmallRecords_ReadAboutTheirBytes_NotAWholeBufferEach()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = PartitionLog.Open("t", 0, dir.Path, 64 << 20, LogRecoveryRule.For(null), NullLogger.Instance, fs);
        log.AppendAndPublish(Enumerable.Range(0, 20_000).Select(i => Rec(i, 12)).ToList());
        long logBytes = log.SizeBytes, before = fs.ReadBytes;
        var got = new List<RawRecord>();
        long next = 0;
        while (next < 20_000) next = log.Read(next, 500, got);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (long)i), got.Select(r => r.Offset));
        // 40 fetches of 500 records: with a 256 KiB read each they copied ~10 MB for a 0.8 MB log.
        long read = fs.ReadBytes - before;
        Assert.True(read < 2 * logBytes, $"read {read:N0} bytes for a {logBytes:N0}-byte log in 40 fetches");
    }

    [Fact]
    public void Reads_OfRecordsLargerThanTheEstimate_ReadOnAndReturnThemWhole()
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        using var log = PartitionLog.Open("t", 0, dir.Path, 64 << 20, LogRecoveryRule.For(null), NullLogger.Instance, fs);
        // Mostly tiny records, so the average predicts small frames, with some larger than the whole read buffer.
        int[] sizes = Enumerable.Range(0, 300).Select(i => i % 37 == 5 ? 300_000 : i % 11 == 3 ? 9_000 : 3).ToArray();
        log.AppendAndPublish(sizes.Select((s, i) => Rec(i, s)).ToList());
        foreach (int batch in new[] { 1, 2, 7, 64 })
        {
            var got = new List<RawRecord>();
            long next = 0;
            while (next < sizes.Length) next = log.Read(next, batch, got);
            Assert.Equal(Enumerable.Range(0, sizes.Length).Select(i => (long)i), got.Select(r => r.Offset));
            for (int i = 0; i < sizes.Length; i++)
            {
                Assert.Equal(sizes[i], got[i].Value!.Length);
                Assert.All(got[i].Value!, b => Assert.Equal((byte)(i % 251), b));
            }
        }
    }
}
