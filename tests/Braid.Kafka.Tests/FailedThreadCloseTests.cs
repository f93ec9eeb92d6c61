using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// A stream thread that fails while its group member holds a rebalance step nobody served still stops the instance
/// (KafkaStreamThread.LeaveGroupAfterFailure).
/// </summary>
public sealed class FailedThreadCloseTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();
    private readonly string _input;

    public FailedThreadCloseTests()
    {
        _input = _k.Prefix + "in";
        _k.CreateTopic(_input, 2);
    }

    // The same topology for both instances (so the same fingerprint); only the first one's user function blocks on the
    // marked record, then throws.
    private Topology Blocking(Action? onMarked)
    {
        var b = new StreamsBuilder();
        b.Stream(_input, Consumed.With(Serdes.String, Serdes.String)).Foreach((_, v) =>
        {
            if (v == "fail" && onMarked is not null) onMarked();
        });
        return b.Build();
    }

    // Bug caught: the thread failed (here a user function) after the group had handed its member a revocation that the
    // blocked loop never served; disposing the consumer then waited for that revocation forever (librdkafka's group does
    // not terminate before the application answers), so the instance never reached Error. CI saw it as
    // TopologyChangeTests' grow-the-task-topic test timing out: the partition watch failed the thread mid-rebalance.
    [Fact]
    public async Task A_thread_failing_while_a_revocation_waits_on_it_still_stops_the_instance_with_the_error()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var a = _k.App(Blocking(() =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(120));
            throw new InvalidOperationException("the user function failed");
        }), "fail-mid-rebalance");
        await a.StartAsync();
        await a.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        _k.Produce(_input, Serdes.String, Serdes.String, [("k", (string?)"fail", 1000L)]);
        await KafkaTestCluster.WaitUntilAsync(() => entered.IsSet, TimeSpan.FromSeconds(30), "the user function blocks the thread");

        // A second member joins: the cooperative rebalance gives it nothing in its first round (it is Running once that empty
        // assignment arrives) and hands the blocked member a revocation it cannot serve yet.
        var b = _k.App(Blocking(null), "fail-mid-rebalance");
        await b.StartAsync();
        await b.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(60));
        Assert.Equal(2, a.ActiveTasks.Count); // the revocation is still pending: the blocked thread holds both tasks

        release.Set();
        // Covers the failed thread's close only (leave the group, dispose the clients): seconds even on a loaded machine.
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Error, TimeSpan.FromSeconds(45), "the failed instance stopped");
        Assert.Contains("the user function failed", a.Error!.ToString());
    }

    public void Dispose() => _k.Dispose();
}
