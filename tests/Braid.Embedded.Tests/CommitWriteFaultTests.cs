using System.Globalization;
using Braid.Embedded.Logs.Files;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>
/// A commit's output reaches a log as frames encoded at the send and sealed at the append, written one segment at a time
/// (issue 19, session 12). With segments of 1 KiB every commit's repartition output spans several segments, so a
/// fault on the Nth write lands between two writes of one commit's frames (or of two logs' frames): the first segment's
/// part is on disk, the rest is not. The failed commit must be cut in full and produced again by the replaced thread in
/// the same process — the consumer, which decodes the writer's frames from memory, counts every record once, in order —
/// and a restart afterwards changes nothing. Counts double-count a duplicate and skip a lost record.
/// </summary>
public sealed class CommitWriteFaultTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    public async Task AWriteFailingInsideACommitsOutput_IsCutAndRetriedInProcess_AndEveryCountIsExact_AlsoAfterARestart(int failWrite)
    {
        using var dir = new TempDir();
        const int inputs = 3000, groups = 37;
        var fs = new FaultInjectionLogFileSystem(null);
        int replaced = 0;
        var options = TestOptions.For(dir.Path) with
        {
            LogFiles = fs,
            SegmentBytes = 1024,
            UncaughtExceptionHandler = _ =>
            {
                Interlocked.Increment(ref replaced);
                return StreamThreadExceptionResponse.ReplaceThread;
            },
            ReplaceThreadBackoff = TimeSpan.FromMilliseconds(10),
        };
        await using (var app = new BraidApplication(Topology(), options))
        {
            app.CreateProducer("in", Serdes.String, Serdes.String)
                .Send(Enumerable.Range(0, inputs).Select(i => new TopicRecord<string, string>("k" + i, "g" + (i % groups), i)));
            fs.FailWriteNumber = fs.Writes + failWrite;
            await app.StartAsync();
            for (int i = 0; i < 3000 && Volatile.Read(ref replaced) < 1; i++) await Task.Delay(10);
            Assert.Equal(1, Volatile.Read(ref replaced));
            await app.WaitForIdleAsync(TestOptions.Idle);
            AssertExactCounts(app, inputs, groups);
        }
        await using var reopened = new BraidApplication(Topology(), TestOptions.For(dir.Path) with { SegmentBytes = 1024 });
        await reopened.StartAsync();
        await reopened.WaitForIdleAsync(TestOptions.Idle);
        AssertExactCounts(reopened, inputs, groups);
    }

    /// <summary>Re-keyed by the value: every record crosses the repartition topic before it is counted.</summary>
    private static Topology Topology()
    {
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var b = new StreamsBuilder();
        b.Stream("in", strings).SelectKey((_, v) => v!).GroupByKey().Count()
            .ToStream().MapValues(n => n.ToString(CultureInfo.InvariantCulture)).To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    private static void AssertExactCounts(BraidApplication app, int inputs, int groups)
    {
        var outputs = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd();
        foreach (var g in outputs.GroupBy(r => r.Key))
        {
            int n = Enumerable.Range(0, inputs).Count(i => "g" + (i % groups) == g.Key);
            Assert.Equal(Enumerable.Range(1, n).Select(x => (long)x), g.Select(r => long.Parse(r.Value!, CultureInfo.InvariantCulture)));
        }
        Assert.Equal(groups, outputs.Select(r => r.Key).Distinct().Count());
    }
}
