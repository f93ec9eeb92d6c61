using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>
/// A restored stream–stream join (session 17, s17-ss): until its first emit pass rebuilds the held orders from the store,
/// the orders know nothing, so a match must still delete the other record's held entry from the store. A record held
/// before the restart and matched after it, before any pass, must never come out as non-joined.
/// </summary>
public class RestoredHeldRecordMatchTests
{
    private static readonly Serde<string> S = Serdes.String;

    [Fact]
    public async Task ARecordHeldBeforeARestart_AndMatchedAfterIt_IsNeverReleasedAsNonJoined()
    {
        var b = new StreamsBuilder();
        var right = b.Stream("right", Consumed.With(S, S));
        b.Stream("left", Consumed.With(S, S))
            .LeftJoin(right, (l, r) => $"{l}+{r ?? "null"}", JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(10)))
            .To("out", Produced.With(S, S));
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path) with { Streams = new StreamsConfig { ApplicationId = "restored-match", OuterJoinEmitInterval = TimeSpan.Zero } };
        (string Topic, string Key, string Value, long Ts)[][] lives =
        [
            [("left", "k", "L0", 100)],                               // held (no right record yet)
            [("right", "k", "R0", 120), ("right", "other", "R1", 500)], // matches L0 (no pass first: 120 is not past 160),
                                                                        // then closes L0's window: nothing left to release
        ];
        List<string> output = [];
        foreach (var life in lives)
        {
            await using var app = new BraidApplication(b.Build(), options);
            foreach (var (topic, key, value, ts) in life) app.CreateProducer(topic, S, S).Send(key, value, ts);
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
            output = app.CreateReader("out", S, S).ReadToEnd().Select(r => $"{r.Key}={r.Value}").ToList();
        }
        Assert.Equal(["k=L0+R0"], output);
    }
}
