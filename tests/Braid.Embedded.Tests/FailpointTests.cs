using Braid.CrashTests;
using Braid.Embedded.Runtime;
using Braid.Internal.Faults;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

/// <summary>Failpoints are process-wide: tests that arm them run alone, never beside another application.</summary>
[CollectionDefinition("Failpoints", DisableParallelization = true)]
public sealed class FailpointCollection;

[Collection("Failpoints")]
public sealed class FailpointTests : IDisposable
{
    public FailpointTests() => Failpoints.Reset();

    public void Dispose() => Failpoints.Reset();

    [Fact]
    public void Spec_FiresOnTheNthHit_ForTheGivenNumberOfTimes_AndCountsHits()
    {
        Failpoints.ArmFromSpec("test.point=ioerror@2x2;count");
        Failpoints.Hit("test.point");
        Assert.Throws<InjectedIOException>(() => Failpoints.Hit("test.point"));
        Assert.Throws<InjectedIOException>(() => Failpoints.Hit("test.point"));
        Failpoints.Hit("test.point");
        Failpoints.Hit("other.point");
        Assert.Equal(4, Failpoints.HitCount("test.point"));
        Assert.Equal(1, Failpoints.HitCount("other.point"));
    }

    [Fact]
    public void Spec_WithUnknownAction_IsRejectedNamingTheFailpoint()
    {
        var e = Assert.Throws<ArgumentException>(() => Failpoints.ArmFromSpec("a.b=explode"));
        Assert.Contains("a.b", e.Message);
    }

    [Fact]
    public void Disarmed_HitsAreNotCounted()
    {
        Failpoints.Hit("test.point");
        Assert.Equal(0, Failpoints.HitCount("test.point"));
    }

    public static TheoryData<string> CommitSteps =>
    [
        EmbeddedFailpoints.CommitAfterOutputAppend, EmbeddedFailpoints.CommitBeforeStateBatch,
        EmbeddedFailpoints.CommitAfterStateBatch, EmbeddedFailpoints.CommitAfterPublish,
    ];

    /// <summary>
    /// An I/O error at each step of the exactly-once commit ends in a clear Error state; after a restart the
    /// output equals the driver's record for record (a cut that left the failed commit's output behind
    /// would duplicate; a cut below the committed end would lose).
    /// </summary>
    [Theory]
    [MemberData(nameof(CommitSteps))]
    public async Task IoErrorAtCommitStep_EndsInError_AndRestartLosesNothingAndDuplicatesNothing(string failpoint)
    {
        using var dir = new TempDir();
        var input = CrashWorkload.Generate(1500, 77);
        var options = TestOptions.For(dir.Path, 2, 2);
        await using (var app = new BraidApplication(CrashWorkload.Build(), options))
        {
            foreach (var g in input.GroupBy(r => r.Topic))
                app.CreateProducer(g.Key, Serdes.String, Serdes.String).Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp)));
            Failpoints.Arm(failpoint, FailpointAction.IoError);
            await app.StartAsync();
            var error = await Assert.ThrowsAsync<StreamsException>(() => app.WaitForIdleAsync(TestOptions.Idle));
            Assert.Contains(failpoint, error.ToString());
        }
        Failpoints.Reset();
        await using (var app = new BraidApplication(CrashWorkload.Build(), options))
        {
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
            var reference = CrashWorkload.Reference(input);
            foreach (var t in CrashWorkload.Outputs)
            {
                var got = app.CreateReader(t, Serdes.String, Serdes.String).ReadToEnd().Select(r => (r.Key, r.Value, r.Timestamp))
                    .OrderBy(r => r.Key).ThenBy(r => r.Timestamp).ThenBy(r => r.Value).ToList();
                var want = reference[t].OrderBy(r => r.Key).ThenBy(r => r.Timestamp).ThenBy(r => r.Value).ToList();
                Assert.Equal(want, got);
            }
        }
    }
}
