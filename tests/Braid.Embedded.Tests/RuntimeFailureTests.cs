using System.Text;
using Braid.Serialization;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Tests;

/// <summary>
/// The core runtime's failure handling on the embedded host: processing/production handlers with a dead-letter
/// topic under exactly-once, ReplaceThread back-off, a failed commit's output cut before another thread publishes
/// (issue 15 row 4), and long.MaxValue timestamps (issue 15 row 5).
/// </summary>
public class RuntimeFailureTests
{
    private static readonly Consumed<string, string> In = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> Out = Produced.With(Serdes.String, Serdes.String);

    private static Topology UpperUnlessBad()
    {
        var b = new StreamsBuilder();
        b.Stream("in", In).MapValues(v => v!.StartsWith("bad", StringComparison.Ordinal) ? throw new InvalidOperationException("poison " + v) : v.ToUpperInvariant(), "upper")
            .To("out", Out);
        return b.Build();
    }

    private static BraidApplicationOptions Options(string dir, int partitions = 1, int threads = 1, ILoggerFactory? logs = null) =>
        TestOptions.For(dir, partitions, threads, logs);

    [Fact]
    public async Task ProcessingError_Continue_WritesEachPoisonRecordToTheDeadLetterTopicOnce_EvenAcrossARestart()
    {
        using var dir = new TempDir();
        var options = Options(dir.Path, partitions: 4) with
        {
            Streams = Options(dir.Path).Streams with { ProcessingExceptionHandler = ProcessingExceptionHandler.LogAndContinue(), DeadLetterQueueTopic = "dead" },
        };
        await using (var app = new BraidApplication(UpperUnlessBad(), options))
        {
            var producer = app.CreateProducer("in", Serdes.String, Serdes.String);
            for (int i = 0; i < 200; i++) producer.Send("k" + i, (i % 10 == 0 ? "bad" : "v") + i, i);
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
            Assert.Equal(180, app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Count);
        }
        await using (var again = new BraidApplication(UpperUnlessBad(), options))
        {
            await again.StartAsync();
            await again.WaitForIdleAsync(TestOptions.Idle);
            var dead = again.CreateReader("dead", Serdes.String, Serdes.String).ReadToEnd();
            Assert.Equal(Enumerable.Range(0, 20).Select(i => "bad" + (i * 10)).Order(), dead.Select(r => r.Value!).Order());
            foreach (var r in dead)
            {
                Assert.True(r.Headers!.TryGetLast(ErrorHandlerContext.NodeHeader, out var node));
                Assert.Equal("upper", Encoding.UTF8.GetString(node.Value!));
                Assert.True(r.Headers.TryGetLast(ErrorHandlerContext.OffsetHeader, out _));
            }
            Assert.Equal(180, again.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Count);
        }
    }

    [Fact]
    public async Task ProductionError_Continue_DropsOnlyTheUnserializableOutput()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Stream("in", In).To("out", Produced.With(Serdes.String, new RefusingSerde()));
        var options = Options(dir.Path) with { Streams = Options(dir.Path).Streams with { ProductionExceptionHandler = ProductionExceptionHandler.LogAndContinue() } };
        await using var app = new BraidApplication(b.Build(), options);
        var producer = app.CreateProducer("in", Serdes.String, Serdes.String);
        producer.Send("a", "fine", 1);
        producer.Send("b", "refuse", 2);
        producer.Send("c", "also fine", 3);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        Assert.Equal(["fine", "also fine"], app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value));
    }

    [Fact]
    public async Task ReplaceThread_OnAPoisonRecord_BacksOffExponentially_NotThousandsOfReplacements()
    {
        using var dir = new TempDir();
        var logs = new ListLoggerFactory();
        int failures = 0;
        var options = Options(dir.Path, logs: logs) with
        {
            UncaughtExceptionHandler = _ =>
            {
                Interlocked.Increment(ref failures);
                return StreamThreadExceptionResponse.ReplaceThread;
            },
            ReplaceThreadBackoff = TimeSpan.FromMilliseconds(50),
            ReplaceThreadMaxBackoff = TimeSpan.FromSeconds(1),
        };
        await using var app = new BraidApplication(UpperUnlessBad(), options);
        app.CreateProducer("in", Serdes.String, Serdes.String).Send("k", "bad", 1);
        await app.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        // Back-off 0, 50, 100, 200, 400, 800, 1000, 1000 ms…: at most ~10 in 4 s (without it: thousands).
        Assert.InRange(Volatile.Read(ref failures), 2, 15);
        Assert.Equal(StreamsState.Running, app.State);
        Assert.Contains(logs.Entries, e => e.Message.Contains("back-off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoThreads_OneCommitFailsAfterAppendingOutput_ItsRecordsAreCutBeforeTheOtherPublishes_AfterRestartOutputsEqualInputs()
    {
        using var dir = new TempDir();
        // Two input partitions (two tasks, two threads) writing one shared output partition. The aggregate's value
        // serde runs inside the commit (RocksDB stores serialize pending writes there), after the output append;
        // it throws once, so one thread's commit fails with its output already appended. The default handler shuts
        // the application down, and the other thread's final commit publishes a high-water mark for the shared
        // partition: it must not cover the failed commit's records.
        var serde = new ThrowOnceSerde(throwAt: 60);
        var b = new StreamsBuilder();
        b.Stream("in", In).GroupByKey().Aggregate(() => 0L, (_, _, n) => n + 1, Materialized.With(Serdes.String, (Serde<long>)serde))
            .ToStream().MapValues(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).To("out", Out);
        var topology = b.Build();
        var options = Options(dir.Path, threads: 2) with
        {
            Topics = [new TopicOptions { Name = "in", Partitions = 2 }, new TopicOptions { Name = "out", Partitions = 1 }],
        };
        const int inputs = 4000;
        await using (var app = new BraidApplication(topology, options))
        {
            var producer = app.CreateProducer("in", Serdes.String, Serdes.String);
            for (int i = 0; i < inputs; i++) producer.Send("k" + (i % 100), "v", i);
            await app.StartAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => app.WaitForIdleAsync(TestOptions.Idle));
            for (int i = 0; i < 500 && app.State != StreamsState.Error; i++) await Task.Delay(10);
            Assert.Equal(StreamsState.Error, app.State);
        }
        Assert.True(serde.Thrown, "the injected commit failure happened");
        await using (var restarted = new BraidApplication(topology, options))
        {
            await restarted.StartAsync();
            await restarted.WaitForIdleAsync(TestOptions.Idle);
            var outputs = restarted.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd();
            Assert.Equal(inputs, outputs.Count);
            // Per key the counts are exactly 1..40: a duplicate or a lost update would repeat or skip one.
            foreach (var g in outputs.GroupBy(r => r.Key))
                Assert.Equal(Enumerable.Range(1, inputs / 100).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), g.Select(r => r.Value));
        }
    }

    [Fact]
    public async Task ARecordStampedLongMaxValue_DoesNotStallItsPartition()
    {
        using var dir = new TempDir();
        await using var app = new BraidApplication(UpperUnlessBad(), Options(dir.Path));
        var producer = app.CreateProducer("in", Serdes.String, Serdes.String);
        producer.Send("a", "first", 1);
        producer.Send("b", "max", long.MaxValue);
        producer.Send("c", "after", 2);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var outputs = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd();
        Assert.Equal(["FIRST", "MAX", "AFTER"], outputs.Select(r => r.Value));
        Assert.Equal(long.MaxValue, outputs[1].Timestamp);
        Assert.Equal(StreamsState.Running, app.State);
    }

    private sealed class RefusingSerde : Serde<string>
    {
        public override byte[] Serialize(string value) => value == "refuse" ? throw new FormatException("refused") : Encoding.UTF8.GetBytes(value);

        public override string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    /// <summary>A long serde whose <paramref name="throwAt"/>-th serialization throws (once, process-wide for this instance).</summary>
    private sealed class ThrowOnceSerde(int throwAt) : Serde<long>
    {
        private int _calls;

        public bool Thrown { get; private set; }

        public override byte[] Serialize(long value)
        {
            if (Interlocked.Increment(ref _calls) == throwAt)
            {
                Thrown = true;
                throw new IOException("injected: the state write fails once");
            }
            return Serdes.Int64.Serialize(value);
        }

        public override long Deserialize(ReadOnlySpan<byte> data) => Serdes.Int64.Deserialize(data);
    }
}
