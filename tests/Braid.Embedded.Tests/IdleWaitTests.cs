using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>
/// <see cref="BraidApplication.WaitForIdleAsync"/> is event-driven (issue 19, session 8): it checks when a stream thread
/// runs dry, under every thread's query lock and the commit lock, and returns after one idle check. It must never
/// return while a record is still in flight — visible but unprocessed, processed but uncommitted, or buffered output
/// that an exactly-once commit has not published yet (the case of every record on its way through a repartition topic).
/// </summary>
public sealed class IdleWaitTests
{
    private const int Rounds = 6;
    private const int PerRound = 1_500;
    private const int Words = 97;
    private const int Buckets = 7;

    // Two repartitions in a row: words are re-keyed and counted, the counts regrouped by bucket and summed. The sum of
    // every bucket's final total is the number of records sent; a record still on its way through either repartition
    // topic (or its commit) makes it smaller.
    private static Topology Build()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .SelectKey((_, word) => word!)
            .GroupByKey(new Grouped<string, string> { KeySerde = Serdes.String, ValueSerde = Serdes.String })
            .Count(Materialized.With(Serdes.String, Serdes.Int64))
            .GroupBy((word, count) => KeyValue.Pair(Bucket(word), count), new Grouped<string, long> { KeySerde = Serdes.String, ValueSerde = Serdes.Int64 })
            .Aggregate(() => 0L, (_, c, sum) => sum + c, (_, c, sum) => sum - c, Materialized.With(Serdes.String, Serdes.Int64))
            .ToStream()
            .To("totals", Produced.With(Serdes.String, Serdes.Int64));
        return b.Build();
    }

    private static string Bucket(string word) => "b" + (int.Parse(word.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % Buckets);

    [Theory]
    [InlineData(1, ProcessingGuarantee.ExactlyOnce)]
    [InlineData(2, ProcessingGuarantee.ExactlyOnce)]
    [InlineData(2, ProcessingGuarantee.AtLeastOnce)]
    public async Task EveryReturn_FindsEveryRecordThroughBothRepartitions_CountedExactlyInItsBucket(int threads, ProcessingGuarantee guarantee)
    {
        int seed = Environment.GetEnvironmentVariable("BRAID_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        Console.WriteLine($"IdleWaitTests seed {seed} (BRAID_SEED replays)");
        var random = new Random(seed);
        using var dir = new TempDir();
        // Commit interval 1 s: output of a busy thread waits for its thread to run dry, never for the interval, so a wait
        // that returned on the interval's schedule instead of the records' would be caught.
        var options = TestOptions.For(dir.Path, partitions: 4, threads: threads) with
        {
            ProcessingGuarantee = guarantee,
            CommitInterval = TimeSpan.FromSeconds(1),
            MaxPollRecords = 64,
        };
        await using var app = new BraidApplication(Build(), options);
        var input = app.CreateProducer("in", Serdes.String, Serdes.String);
        var totals = app.CreateReader("totals", Serdes.String, Serdes.Int64);
        var expected = new long[Buckets];
        var latest = new Dictionary<string, long>();
        await app.StartAsync();
        long ts = 0;
        for (int round = 0; round < Rounds; round++)
        {
            // Some rounds as one batch, some record by record (the threads start on the first ones while the rest arrive).
            var batch = new List<TopicRecord<string, string>>();
            for (int i = 0; i < PerRound; i++)
            {
                int w = random.Next(Words);
                expected[w % Buckets]++;
                batch.Add(new TopicRecord<string, string>("k" + random.Next(1000), "w" + w, ts++));
            }
            if (round % 2 == 0) input.Send(batch);
            else foreach (var r in batch) input.Send(r.Key, r.Value, r.Timestamp);
            await app.WaitForIdleAsync(TestOptions.Idle);
            foreach (var r in totals.ReadToEnd()) latest[r.Key!] = r.Value;
            for (int k = 0; k < Buckets; k++)
                Assert.True(latest.GetValueOrDefault("b" + k) == expected[k],
                    $"round {round}, bucket b{k}: {latest.GetValueOrDefault("b" + k)} after the idle wait, {expected[k]} sent (seed {seed})");
            Assert.Equal(0, app.GetLag().Values.Sum());
        }
    }

    [Fact]
    public async Task ARecordStuckInAUserFunction_HoldsTheWait_WithoutBlockingTheCaller()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .Peek(HoldStuck(entered, release))
            .SelectKey((_, v) => v!)
            .To("out", Produced.With(Serdes.String, Serdes.String));
        using var dir = new TempDir();
        await using var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path));
        var input = app.CreateProducer("in", Serdes.String, Serdes.String);
        await app.StartAsync();
        input.Send("k1", "before", 1);
        await app.WaitForIdleAsync(TestOptions.Idle);
        input.Send("k2", "stuck", 2);
        Assert.True(entered.Wait(TestOptions.Idle), "the user function was never reached");
        // The stream thread sits inside its batch (holding its query lock): asking for idle must not block this thread.
        Task? started = null;
        var caller = new Thread(() => started = app.WaitForIdleAsync(TestOptions.Idle));
        caller.Start();
        Assert.True(caller.Join(TestOptions.Idle), "WaitForIdleAsync blocked its caller while a thread was busy");
        var wait = started!;
        // A correct wait can never end while the record is stuck, so this pause cannot make the test flaky; a wait that
        // missed the record would have ended on its 50 ms recheck.
        await Task.Delay(300);
        Assert.False(wait.IsCompleted, "the idle wait returned while a record was inside a user function");
        release.Set();
        await wait;
        var values = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value).ToList();
        Assert.Equal(["before", "stuck"], values);
    }

    [Fact]
    public async Task TheThreadsPulse_EndsAWait_WhenTheRecheckIsStretchedToMinutes()
    {
        // The 50 ms recheck is a safety net: with it stretched to 10 minutes only a stream thread's pulse (it ran dry
        // after its commit) can end this wait before its timeout. Without the pulse the wait throws TimeoutException.
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .Peek(HoldStuck(entered, release))
            .To("out", Produced.With(Serdes.String, Serdes.String));
        using var dir = new TempDir();
        await using var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path));
        app.IdleRecheck = TimeSpan.FromMinutes(10);
        var input = app.CreateProducer("in", Serdes.String, Serdes.String);
        await app.StartAsync();
        input.Send("k", "stuck", 1);
        Assert.True(entered.Wait(TestOptions.Idle), "the user function was never reached");
        // The thread holds its query lock inside the batch: the wait's first check fails and it sleeps on the pulse.
        // Its own timeout as long as the recheck: only a pulse can end it within the test's bound.
        var wait = app.WaitForIdleAsync(TimeSpan.FromMinutes(10));
        Assert.False(wait.IsCompleted, "the idle wait returned while a record was inside a user function");
        release.Set();
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TestOptions.Idle)));
        await wait;
        Assert.Equal(["stuck"], app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value).ToList());
    }

    // Holds the record "stuck" inside the user function (the stream thread keeps its query lock) until released.
    private static Action<string?, string?> HoldStuck(ManualResetEventSlim entered, ManualResetEventSlim release) => (_, v) =>
    {
        if (v != "stuck") return;
        entered.Set();
        release.Wait(TimeSpan.FromMinutes(1));
    };
}
