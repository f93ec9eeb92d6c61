using System.Globalization;
using Braid.Embedded.Logs.Files;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>
/// A repartition topic's consumer task is declared to the log when the task is created
/// (<see cref="Logs.PartitionLog.WantAppendsKept"/>), so even the first commit's repartition output is kept in memory and
/// never read back from the file (issue 19, session 13: until then only the first kept read declared it, which comes after
/// the first commit made something visible — Nexmark q8's embedded row read every repartitioned auction from the file).
/// </summary>
public sealed class RepartitionFirstCommitTailTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task TheFirstCommitsRepartitionOutput_IsReadFromMemory_AndEveryCountIsExact(int threads)
    {
        using var dir = new TempDir();
        var fs = new FaultInjectionLogFileSystem(null);
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var b = new StreamsBuilder();
        // Re-keyed by the value: every record crosses the repartition topic before it is counted.
        b.Stream("in", strings).SelectKey((_, v) => v!).GroupByKey().Count()
            .ToStream().MapValues(n => n.ToString(CultureInfo.InvariantCulture)).To("out", Produced.With(Serdes.String, Serdes.String));
        // A commit interval longer than the test: the only commits are those of a thread that runs dry (the first one
        // covers every repartitioned record when the thread gets through the input in one go), and the close's.
        var options = TestOptions.For(dir.Path, partitions: 2, threads: threads) with { LogFiles = fs, CommitInterval = TimeSpan.FromMinutes(5) };
        const int inputs = 3000, groups = 29;
        await using var app = new BraidApplication(b.Build(), options);
        app.CreateProducer("in", Serdes.String, Serdes.String)
            .Send(Enumerable.Range(0, inputs).Select(i => new TopicRecord<string, string>("k" + i, "g" + (i % groups), i)));
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);

        var outputs = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd();
        var last = outputs.GroupBy(r => r.Key!).ToDictionary(g => g.Key, g => long.Parse(g.Last().Value!, CultureInfo.InvariantCulture));
        Assert.Equal(groups, last.Count);
        for (int g = 0; g < groups; g++) Assert.Equal(Enumerable.Range(0, inputs).Count(i => i % groups == g), last["g" + g]);
        // The input topic is read from its files (a producer's appends are never kept); the repartition topic never is.
        Assert.True(fs.ReadBytesOf(p => p.Contains($"{Path.DirectorySeparatorChar}in{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) > 0);
        Assert.Equal(0, fs.ReadBytesOf(p => p.Contains("repartition", StringComparison.Ordinal)));
    }
}
