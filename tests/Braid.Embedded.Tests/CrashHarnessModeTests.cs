using Braid.CrashTests;
using Xunit.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// Short runs of each crash-harness mode (child processes, SIGKILL, failpoints, simulated power loss, injected
/// I/O errors, guarantee switches, input from a separate process through the inbox while the kills happen).
/// Each prints its seed (replay: BRAID_CRASH_SEED=&lt;seed&gt;); the long runs are the documented commands in
/// docs/embedded.md. A run fails on any lost, duplicated or reordered record, a wrong count or sum per key,
/// a repartition topic holding an order twice, or (failpoints) a failpoint that never crashed the child.
/// </summary>
[Collection("Failpoints")]
public class CrashHarnessModeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(FaultMode.Kills, ProcessingGuarantee.ExactlyOnce, 6)]
    [InlineData(FaultMode.Failpoints, ProcessingGuarantee.ExactlyOnce, 16)]
    [InlineData(FaultMode.PowerLoss, ProcessingGuarantee.ExactlyOnce, 6)]
    [InlineData(FaultMode.IoErrors, ProcessingGuarantee.ExactlyOnce, 8)]
    [InlineData(FaultMode.SwitchGuarantee, ProcessingGuarantee.ExactlyOnce, 6)]
    [InlineData(FaultMode.Kills, ProcessingGuarantee.ExactlyOnce, 6, true)]
    public async Task ShortRun_LosesNothing_AndUnderExactlyOnceDuplicatesNothing(FaultMode mode, ProcessingGuarantee guarantee, int kills, bool inbox = false)
    {
        int seed = CrashHarness.SeedFromEnvironment();
        output.WriteLine($"seed {seed} (replay: {CrashHarness.SeedVariable}={seed} dotnet test tests/Braid.Embedded.Tests -c Release --filter \"FullyQualifiedName~CrashHarnessModeTests\")");
        using var dir = new TempDir();
        var log = new StringWriter();
        var result = await Task.Run(() => CrashHarness.Run(new HarnessOptions(kills, 3000, seed, guarantee, dir.Path, mode, MaxKillDelayMs: 800, Inbox: inbox, InboxPaceMs: 300), log));
        output.WriteLine(log.ToString());
        output.WriteLine(result.Line);
        Assert.True(result.Verdict.Expected > 0, log.ToString());
        Assert.True(result.Passed, $"seed {seed} (replay with {CrashHarness.SeedVariable}={seed}): {result.Line}\n{log}");
    }
}
