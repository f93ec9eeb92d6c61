using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>
/// Operators that keep their own stream time (windowed aggregations, suppression, the stream–stream join's shared clock)
/// across a restart: a record late before the restart is late after it, a final result is emitted once, and records
/// held before the restart are released by the first record that closes their window. Before, each of these times
/// started again from nothing on every restart (as Kafka's observedStreamTime fields do), so the first records after a
/// restart reopened closed windows (a suppressed final result emitted twice, an aggregate double-counted) and held
/// non-joined records waited for a new record to be held.
/// </summary>
public class RestartStreamTimeTests
{
    private static readonly Serde<string> S = Serdes.String;

    private static async Task<List<string>> RunInTwoLives(Topology topology, params (string Topic, string Key, string Value, long Ts)[][] lives)
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path) with { Streams = new StreamsConfig { ApplicationId = "restart-time", OuterJoinEmitInterval = TimeSpan.Zero } };
        List<string> output = [];
        foreach (var life in lives)
        {
            await using var app = new BraidApplication(topology, options);
            foreach (var (topic, key, value, ts) in life) app.CreateProducer(topic, S, S).Send(key, value, ts);
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
            output = app.CreateReader("out", S, S).ReadToEnd().Select(r => $"{r.Key}={r.Value}").ToList();
        }
        return output;
    }

    [Fact]
    public async Task ARecordLateBeforeARestart_IsLateAfterIt_AndASuppressedFinalResultIsEmittedOnce()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(S, S)).GroupByKey()
            .WindowedBy(TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10))).Count()
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()))
            .ToStream().Map((wk, n) => KeyValue.Pair(wk.Key, $"{wk.Window.Start}:{n}")).To("out", Produced.With(S, S));
        var output = await RunInTwoLives(b.Build(),
            [("in", "a", "1", 10), ("in", "a", "2", 50), ("in", "a", "3", 200)], // [0,100) closes at 110: final a=2
            [("in", "a", "late", 60), ("in", "a", "4", 400)]);                 // 60 is late; 400 closes [200,300)
        Assert.Equal(["a=0:2", "a=200:1"], output);
    }

    [Fact]
    public async Task ASessionClosedBeforeARestart_IsNotReopenedByALateRecordAfterIt()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(S, S)).GroupByKey()
            .WindowedBy(SessionWindows.OfInactivityGapAndGrace(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(5))).Count()
            .ToStream().Map((wk, n) => KeyValue.Pair(wk.Key, $"{wk.Window.Start}-{wk.Window.End}:{n}")).To("out", Produced.With(S, S));
        var output = await RunInTwoLives(b.Build(),
            [("in", "a", "1", 100), ("in", "a", "2", 500)],
            [("in", "a", "late", 110)]); // 110 < 500 - 20 - 5: late, would merge into the closed session [100,100]
        Assert.Equal(["a=100-100:1", "a=500-500:1"], output);
    }

    [Fact]
    public async Task ARecordTooLateForASelfJoinBeforeARestart_DoesNotJoinItselfAfterIt()
    {
        var b = new StreamsBuilder();
        var s = b.Stream("in", Consumed.With(S, S));
        s.Join(s, (x, y) => $"{x}*{y}", JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(10)))
            .To("out", Produced.With(S, S));
        var output = await RunInTwoLives(b.Build(),
            [("in", "a", "1", 100), ("in", "a", "2", 500)],
            [("in", "a", "late", 200)]); // beyond the window store's retention (60 + 10) behind stream time 500
        Assert.Equal(["a=1*1", "a=2*2"], output);
    }

    [Fact]
    public async Task ANonJoinedRecordHeldBeforeARestart_IsReleasedByTheFirstRecordAfterItsWindowCloses()
    {
        var b = new StreamsBuilder();
        var right = b.Stream("right", Consumed.With(S, S));
        b.Stream("left", Consumed.With(S, S))
            .LeftJoin(right, (l, r) => $"{l}+{r ?? "null"}", JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(10)))
            .To("out", Produced.With(S, S));
        var output = await RunInTwoLives(b.Build(),
            [("left", "k", "L0", 100)],              // held until stream time passes 100 + 50 + 10
            [("right", "other", "R", 500)]);       // closes L0's window: released now, not when some later record is held
        Assert.Equal(["k=L0+null"], output);
    }
}
