using Braid.Embedded.Runtime;
using Braid.Internal.Faults;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>
/// Producing from another process through the inbox (<see cref="InboxProducer{TKey, TValue}"/>): the producer
/// never takes the state directory's lock, and each published batch reaches the input log exactly once, in
/// order, even when the application stops in the middle of taking one in.
/// </summary>
[Collection("Failpoints")]
public sealed class InboxTests : IDisposable
{
    public void Dispose() => Failpoints.Reset();

    private static List<TopicRecord<string, string>> Batch(int from, int count) =>
        Enumerable.Range(from, count).Select(i => new TopicRecord<string, string>("k" + (i % 5), "v" + i, 1000 + i)).ToList();

    private static List<string> InputValues(BraidApplication app) =>
        app.CreateReader("in", Serdes.String, Serdes.String).ReadToEnd().OrderBy(r => r.Partition).ThenBy(r => r.Offset).Select(r => r.Value!).ToList();

    [Fact]
    public async Task BatchesSentWhileTheApplicationRuns_AreProcessedExactlyOnce_InSendOrderPerPartition()
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path, 2, 2);
        await using var app = new BraidApplication(CountingTopology.Build(), options);
        await app.StartAsync();
        // The application holds the directory lock the whole time: the producer must not need it.
        var producer = new InboxProducer<string, string>(app.AppDirectory, "in", Serdes.String, Serdes.String);
        Assert.Equal(2, producer.Partitions);
        for (int b = 0; b < 3; b++) Assert.Equal(40, producer.Send(Batch(b * 40, 40)));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (CountingTopology.Read(app).Out.Count < 120 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await app.WaitForIdleAsync(TestOptions.Idle);
        CountingTopology.AssertExactlyOnce(app, 120);
        var input = app.CreateReader("in", Serdes.String, Serdes.String).ReadToEnd();
        foreach (var p in input.GroupBy(r => r.Partition))
        {
            var values = p.OrderBy(r => r.Offset).Select(r => int.Parse(r.Value![1..])).ToList();
            Assert.Equal(values.Order(), values); // each partition holds its records in send order
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(app.AppDirectory, "inbox"), "*", SearchOption.AllDirectories));
    }

    /// <summary>
    /// An I/O error right after a batch is renamed to record its start (nothing appended yet), or right after
    /// its records are appended (the file not yet deleted), stops the take-in; the next start must take the
    /// batch in exactly once. A take-in that re-appended the whole file would double it; one that trusted the
    /// rename as "done" would lose it.
    /// </summary>
    [Theory]
    [InlineData(EmbeddedFailpoints.InboxAfterRename)]
    [InlineData(EmbeddedFailpoints.InboxAfterAppend)]
    public async Task IoErrorInsideTheTakeIn_ThenRestart_TakesTheBatchInExactlyOnce(string failpoint)
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path, 2, 1);
        string appDir;
        using (var app = new BraidApplication(CountingTopology.Build(), options)) appDir = app.AppDirectory;
        var producer = new InboxProducer<string, string>(appDir, "in", Serdes.String, Serdes.String);
        producer.Send(Batch(0, 30));
        producer.Send(Batch(30, 30));
        Failpoints.Arm(failpoint, FailpointAction.IoError, onHit: 2);
        var e = Assert.ThrowsAny<IOException>(() => new BraidApplication(CountingTopology.Build(), options));
        Assert.Contains(failpoint, e.Message);
        Failpoints.Reset();
        await using (var app = new BraidApplication(CountingTopology.Build(), options))
        {
            Assert.Equal(Enumerable.Range(0, 60).Select(i => "v" + i).Order(), InputValues(app).Order());
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
            CountingTopology.AssertExactlyOnce(app, 60);
        }
    }

    /// <summary>
    /// A kill in the middle of appending a batch leaves a prefix of it in the log and the file renamed with the
    /// start offset: only the rest is appended (here 12 of 50 were in), keeping the order.
    /// </summary>
    [Fact]
    public void TakeInInterruptedMidAppend_AppendsOnlyTheMissingRest_InOrder()
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path, 1, 1);
        using (var app = new BraidApplication(CountingTopology.Build(), options))
        {
            new InboxProducer<string, string>(app.AppDirectory, "in", Serdes.String, Serdes.String).Send(Batch(0, 50));
            // What the kill left: the batch renamed to start at the log end (0), and its first 12 records appended.
            string batch = Directory.GetFiles(Path.Combine(app.AppDirectory, "inbox", "in", "0"), "*.batch").Single();
            File.Move(batch, batch[..^".batch".Length] + ".ingesting-0");
            app.CreateProducer("in", Serdes.String, Serdes.String).Send(Batch(0, 12));
        }
        using (var app = new BraidApplication(CountingTopology.Build(), options))
            Assert.Equal(Enumerable.Range(0, 50).Select(i => "v" + i), InputValues(app));
    }

    [Fact]
    public void BatchForATopicTheTopologyWrites_FailsTheStart_NamingTheInbox()
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path, 1, 1);
        string appDir;
        using (var app = new BraidApplication(CountingTopology.Build(), options)) appDir = app.AppDirectory;
        new InboxProducer<string, string>(appDir, "out", Serdes.String, Serdes.String).Send(Batch(0, 3));
        var e = Assert.Throws<InvalidOperationException>(() => new BraidApplication(CountingTopology.Build(), options));
        Assert.Contains(Path.Combine("inbox", "out"), e.Message);
    }

    [Fact]
    public void ProducerForATopicWithoutALog_FailsNamingTheTopic()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UnknownTopicException>(() => new InboxProducer<string, string>(Path.Combine(dir.Path, "app"), "in", Serdes.String, Serdes.String));
        Assert.Contains("'in'", e.Message);
    }
}
