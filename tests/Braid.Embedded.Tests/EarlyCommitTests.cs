using System.Diagnostics;
using System.Globalization;
using Braid.Embedded.Runtime;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// Exactly-once results become readable at the commit that covers them. A thread that keeps up with its input but
/// never runs dry (records keep arriving) must commit before its commit interval (<see cref="EarlyCommitPolicy"/>),
/// and a thread working off a backlog must not (its commits stay on the interval, batching as before).
/// </summary>
public sealed class EarlyCommitTests(ITestOutputHelper output)
{
    [Fact]
    public void Policy_KeepingUp_CommitsAfterABatch_ButNotWithinTwiceTheLastCommitsDuration()
    {
        var policy = new EarlyCommitPolicy(keepingUpLag: 500);
        Assert.True(policy.ShouldCommit(processed: 3, lag: 0, sinceLastCommit: TimeSpan.Zero));
        Assert.True(policy.ShouldCommit(processed: 3, lag: 500, sinceLastCommit: TimeSpan.Zero));
        policy.Committed(TimeSpan.FromMilliseconds(4));
        Assert.False(policy.ShouldCommit(processed: 3, lag: 0, sinceLastCommit: TimeSpan.FromMilliseconds(7.9)));
        Assert.True(policy.ShouldCommit(processed: 3, lag: 0, sinceLastCommit: TimeSpan.FromMilliseconds(8)));
    }

    [Fact]
    public void Policy_Backlog_OrNothingProcessed_LeavesTheCommitToTheIntervalAndTheDryRule()
    {
        var policy = new EarlyCommitPolicy(keepingUpLag: 500);
        Assert.False(policy.ShouldCommit(processed: 500, lag: 501, sinceLastCommit: TimeSpan.FromSeconds(10)));
        Assert.False(policy.ShouldCommit(processed: 0, lag: 0, sinceLastCommit: TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// Each processed record sends the next input record itself, so every batch finds a new record: the thread never
    /// runs dry, keeps up (lag ≤ 1) and the 1-hour interval never passes. Results must still become readable while
    /// the chain runs (the old rule made them wait until the chain ended), and exactly once: every processed record's
    /// result once, and the per-key count equal to the records processed.
    /// </summary>
    [Fact]
    public async Task ExactlyOnce_ThreadThatNeverRunsDry_PublishesResultsBeforeTheInterval_ExactlyOnce()
    {
        const int ChainLength = 200_000;
        using var dir = new TempDir();
        int processed = 0;
        bool stop = false;
        TopicProducer<string, string>? feed = null;
        var b = new StreamsBuilder();
        var stream = b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).MapValues(v =>
        {
            int n = int.Parse(v!, CultureInfo.InvariantCulture);
            Interlocked.Increment(ref processed);
            if (!Volatile.Read(ref stop) && n + 1 < ChainLength) feed!.Send("k", (n + 1).ToString(CultureInfo.InvariantCulture), n + 1);
            return v;
        });
        stream.To("out", Produced.With(Serdes.String, Serdes.String));
        stream.GroupByKey().Count(Materialized.As<string, long>("counts"));
        var options = TestOptions.For(dir.Path) with { CommitInterval = TimeSpan.FromHours(1), ProcessingGuarantee = ProcessingGuarantee.ExactlyOnce };
        await using (var app = new BraidApplication(b.Build(), options))
        {
            feed = app.CreateProducer("in", Serdes.String, Serdes.String);
            feed.Send("k", "0", 0);
            var reader = app.CreateReader("out", Serdes.String, Serdes.String);
            await app.StartAsync();
            int processedAtFirstResult = -1;
            var deadline = Stopwatch.StartNew();
            while (processedAtFirstResult < 0 && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                int before = Volatile.Read(ref processed);
                if (reader.Poll().Count > 0) processedAtFirstResult = before;
                else Thread.Sleep(1);
            }
            Volatile.Write(ref stop, true);
            output.WriteLine($"first result readable after {deadline.Elapsed.TotalMilliseconds:F0} ms, {processedAtFirstResult} records processed");
            Assert.InRange(processedAtFirstResult, 1, ChainLength - 2);
            await app.WaitForIdleAsync(TestOptions.Idle);
            output.WriteLine($"idle after {deadline.Elapsed.TotalMilliseconds:F0} ms, {Volatile.Read(ref processed)} records processed");
        }
        await using (var reopened = new BraidApplication(b.Build(), options))
        {
            await reopened.StartAsync();
            await reopened.WaitForIdleAsync(TestOptions.Idle);
            var values = reopened.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => int.Parse(r.Value!, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, values.Count), values);
            Assert.True(reopened.GetTimestampedKeyValueStore<string, long>("counts").TryGet("k", out var count));
            Assert.Equal(values.Count, count.Value);
            Assert.Equal(Volatile.Read(ref processed), values.Count);
        }
    }
}
