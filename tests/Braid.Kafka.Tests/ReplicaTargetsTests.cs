using Braid.Kafka.Internal;
using Braid.Processors;

namespace Braid.Kafka.Tests;

/// <summary>
/// What one instance's standby thread keeps (<see cref="ReplicaTargets"/>): placed standbys plus its warm-ups, with the
/// cap held against the warm-ups other instances still announce (views disagree for up to a heartbeat).
/// </summary>
public sealed class ReplicaTargetsTests
{
    private static readonly TopicLayout Layout = TopicLayout.Compute(Topologies.Count("in", "out").Model, "app", new Dictionary<string, int> { ["in"] = 6 });

    private static KafkaStreamsOptions Options(int max) => new()
    {
        BootstrapServers = "127.0.0.1:9092", StateDirectory = "/tmp/x", TaskAssignment = TaskAssignment.LagAware, MaxWarmupReplicas = max,
    };

    private static readonly Dictionary<string, string[]> Live = new()
    {
        ["a"] = ["0_0", "0_1", "0_2", "0_3", "0_4", "0_5"], ["x"] = [], ["y"] = [],
    };

    private static string[] Names(IEnumerable<TaskId> ids) => ids.Select(KafkaTask.Name).Order(StringComparer.Ordinal).ToArray();

    // Bug caught: an instance opening a warm-up while another instance still announces one the plan no longer gives it
    // (the group would run more than the cap at once until that one is dropped).
    [Fact]
    public void A_new_warm_up_waits_while_another_instance_still_announces_one_beyond_the_cap()
    {
        var plan = WarmupPlacement.Plan(Live.Values.SelectMany(t => t), Live, (_, _) => [], 1);
        string target = Assert.Single(plan, m => m.Warmup).Target;
        string other = target == "x" ? "y" : "x";
        var none = new Dictionary<string, string[]>();
        var (wanted, warmups) = ReplicaTargets.For(Layout, Options(1), target, Live, none, new HashSet<TaskId>());
        Assert.Single(warmups);
        Assert.Equal(Names(warmups), Names(wanted));
        var stale = new Dictionary<string, string[]> { [other] = ["0_5"] }; // another's warm-up not dropped yet
        var (_, blocked) = ReplicaTargets.For(Layout, Options(1), target, Live, stale, new HashSet<TaskId>());
        Assert.Empty(blocked);
        var (_, kept) = ReplicaTargets.For(Layout, Options(1), target, Live, stale, warmups); // already open: stays
        Assert.Equal(Names(warmups), Names(kept));
        var (_, roomy) = ReplicaTargets.For(Layout, Options(2), target, Live, stale, new HashSet<TaskId>());
        Assert.Single(roomy); // cap 2: the plan gives this target one, the other's announced one still fits
    }

    // Bugs caught: a warm-up dropped while its task is being handed over (no live instance runs it: most likely to this
    // instance), and one kept once its task runs elsewhere and the plan no longer wants it.
    [Fact]
    public void A_warm_up_is_kept_while_its_task_is_in_hand_over_and_dropped_once_it_runs_elsewhere_unplanned()
    {
        var open = new HashSet<TaskId> { new(0, 3) };
        // 0_3 left a and runs nowhere yet (revoked, not yet assigned to y).
        var inHandOver = new Dictionary<string, string[]> { ["a"] = ["0_1", "0_2", "0_4", "0_5"], ["x"] = ["0_0"], ["y"] = [] };
        var (_, kept) = ReplicaTargets.For(Layout, Options(1), "y", inHandOver, new Dictionary<string, string[]>(), open);
        Assert.Contains("0_3", Names(kept));
        var balanced = new Dictionary<string, string[]> { ["a"] = ["0_1", "0_2"], ["x"] = ["0_0", "0_3"], ["y"] = ["0_4", "0_5"] };
        var (wanted, dropped) = ReplicaTargets.For(Layout, Options(1), "y", balanced, new Dictionary<string, string[]>(), open);
        Assert.Empty(dropped);
        Assert.Empty(wanted);
    }
}
