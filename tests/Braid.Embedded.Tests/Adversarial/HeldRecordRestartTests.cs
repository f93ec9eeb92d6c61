using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>
/// A stream–stream left/outer join keeps its held records in memory and writes the held store only at the pre-commit hook
/// (HeldRecords, IPreCommit, session 18). A record still held at a commit must be in the store that commit wrote: after a
/// restart (the RocksDB state reopened) it is released as non-joined exactly as in one uninterrupted run.
/// </summary>
public class HeldRecordRestartTests
{
    private static readonly Serde<string> S = Serdes.String;

    private static Topology Build(bool outer)
    {
        var b = new StreamsBuilder();
        var right = b.Stream("right", Consumed.With(S, S));
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(10));
        var left = b.Stream("left", Consumed.With(S, S));
        (outer ? left.OuterJoin(right, (l, r) => $"{l ?? "null"}+{r ?? "null"}", windows) : left.LeftJoin(right, (l, r) => $"{l}+{r ?? "null"}", windows))
            .To("out", Produced.With(S, S));
        return b.Build();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecordsHeldAtACommit_AreReleasedAfterARestart_AsInOneRun(bool outer)
    {
        (string Topic, string Key, string Value, long Ts)[] first =
        [
            ("left", "k", "L0", 100), ("right", "m", "R0", 110), // both held (no partner); a left join holds only L0
            ("left", "j", "L1", 120), ("right", "j", "R1", 125), // a match: L1 is held, then matched away before the commit
        ];
        (string Topic, string Key, string Value, long Ts)[] second = [("right", "x", "R9", 500)]; // closes every window above
        var restarted = await Run(outer, [first, second]);
        var oneRun = await Run(outer, [[.. first, .. second]]);
        Assert.Equal(oneRun, restarted);
        Assert.Contains("k=L0+null", restarted);
        Assert.DoesNotContain("j=L1+null", restarted);
    }

    private static async Task<List<string>> Run(bool outer, (string Topic, string Key, string Value, long Ts)[][] lives)
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path) with { Streams = new StreamsConfig { ApplicationId = "held-restart", OuterJoinEmitInterval = TimeSpan.Zero } };
        List<string> output = [];
        foreach (var life in lives)
        {
            await using var app = new BraidApplication(Build(outer), options);
            foreach (var (topic, key, value, ts) in life) app.CreateProducer(topic, S, S).Send(key, value, ts);
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
            output = app.CreateReader("out", S, S).ReadToEnd().Select(r => $"{r.Key}={r.Value}").ToList();
        }
        return output;
    }
}
