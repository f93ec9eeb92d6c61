using Braid.Kafka.FailoverHarness;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>A short run of the fail-over harness (child processes, SIGKILL); the long runs are documented in docs/kafka.md.</summary>
public sealed class FailoverHarnessTests(ITestOutputHelper output)
{
    // Bugs caught: a fail-over that loses input (lost > 0: offsets committed ahead of state, a promoted standby missing
    // the changelog tail, a task nobody takes over), and a kill that stops the group for good (the harness times out).
    [Fact]
    public async Task Instances_killed_with_sigkill_fail_over_to_their_standbys_without_losing_input()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("BRAID_KAFKA_BOOTSTRAP"))) return; // the harness starts its own mock cluster
        var log = new StringWriter();
        HarnessResult result;
        try
        {
            result = await FailoverHarness.FailoverHarness.RunAsync(new HarnessOptions { Instances = 3, Standbys = 1, Kills = 2, Records = 4000, Seed = 17 }, log);
        }
        finally
        {
            output.WriteLine(log.ToString()); // also when the harness times out: its log says how far it got
        }
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Crashed);
        Assert.Equal(2, result.Kills);
        Assert.Matches(@"^instances: 3, kills: 2, lost: 0, failover p50: \d+ ms, max: \d+ ms, restored per failover p50: \d+$", result.Summary);
    }
}
