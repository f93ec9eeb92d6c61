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

    private static readonly Dictionary<string, string[]> None = new();

    private static readonly TimeSpan Bound = ReplicaTargets.HandOverBound(Options(1), TimeSpan.FromSeconds(10));

    private static string[] Names(IEnumerable<TaskId> ids) => ids.Select(KafkaTask.Name).Order(StringComparer.Ordinal).ToArray();

    private static Dictionary<TaskId, TimeSpan?> Held(params TaskId[] ids) => ids.ToDictionary(id => id, _ => (TimeSpan?)null);

    private static (HashSet<TaskId> Wanted, Dictionary<TaskId, TimeSpan?> Warmups) For(int max, string self, Dictionary<string, string[]> live,
        Dictionary<string, string[]> standbys, IReadOnlyDictionary<TaskId, TimeSpan?> held, TimeSpan now = default, TopicLayout? layout = null,
        params TaskId[] claimed) =>
        ReplicaTargets.For(layout ?? Layout, Options(max), self, new InstanceDirectory.LiveInstances(live, standbys), held, claimed.ToHashSet(), now, Bound);

    // Bug caught: an instance opening a warm-up while another instance still announces one the plan no longer gives it
    // (the group would run more than the cap at once until that one is dropped).
    [Fact]
    public void A_new_warm_up_waits_while_another_instance_still_announces_one_beyond_the_cap()
    {
        var plan = WarmupPlacement.Plan(Live.Values.SelectMany(t => t), Live, (_, _) => [], 1);
        string target = Assert.Single(plan, m => m.Warmup).Target;
        string other = target == "x" ? "y" : "x";
        var (wanted, warmups) = For(1, target, Live, None, Held());
        Assert.Single(warmups);
        Assert.Equal(Names(warmups.Keys), Names(wanted));
        var stale = new Dictionary<string, string[]> { [other] = ["0_5"] }; // another's warm-up not dropped yet
        var (_, blocked) = For(1, target, Live, stale, Held());
        Assert.Empty(blocked);
        var (_, kept) = For(1, target, Live, stale, warmups); // already open: stays
        Assert.Equal(Names(warmups.Keys), Names(kept.Keys));
        var (_, roomy) = For(2, target, Live, stale, Held());
        Assert.Single(roomy); // cap 2: the plan gives this target one, the other's announced one still fits
    }

    // Bug caught (CI of session 18, WarmupReplicaTests): a task this instance claimed but still restores (announced as caught
    // up, not active; its previous owner may still list it) not counted as its load — the plan saw it one task lighter and
    // opened a warm-up the plan drops once the task runs, and the subscription took that task meanwhile.
    [Fact]
    public void A_claimed_task_still_restoring_counts_as_this_instances_load_and_opens_no_extra_warm_up()
    {
        var afterHandOver = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2", "0_3"], ["x"] = ["0_4"], ["y"] = ["0_5"] };
        var (_, running) = For(1, "y", afterHandOver, None, Held());
        Assert.Empty(running); // the plan once 0_5 runs on y: the warm-up goes to x
        var restoring = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2", "0_3"], ["x"] = ["0_4"], ["y"] = [] };
        var (_, duringRestore) = For(1, "y", restoring, None, Held(), claimed: [new TaskId(0, 5)]);
        Assert.Empty(duringRestore);
        var staleSource = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2", "0_3", "0_5"], ["x"] = ["0_4"], ["y"] = [] };
        var (_, staleView) = For(1, "y", staleSource, None, Held(), claimed: [new TaskId(0, 5)]);
        Assert.Empty(staleView);
    }

    // Bugs caught: a warm-up dropped while its task is being handed over (no live instance runs it: most likely to this
    // instance), and one kept once its task runs elsewhere and the plan no longer wants it.
    [Fact]
    public void A_warm_up_is_kept_while_its_task_is_in_hand_over_and_dropped_once_it_runs_elsewhere_unplanned()
    {
        var open = Held(new TaskId(0, 3));
        // 0_3 left a and runs nowhere yet (revoked, not yet assigned to y).
        var inHandOver = new Dictionary<string, string[]> { ["a"] = ["0_1", "0_2", "0_4", "0_5"], ["x"] = ["0_0"], ["y"] = [] };
        var (_, kept) = For(1, "y", inHandOver, None, open);
        Assert.Contains("0_3", Names(kept.Keys));
        var balanced = new Dictionary<string, string[]> { ["a"] = ["0_1", "0_2"], ["x"] = ["0_0", "0_3"], ["y"] = ["0_4", "0_5"] };
        var (wanted, dropped) = For(1, "y", balanced, None, open);
        Assert.Empty(dropped);
        Assert.Empty(wanted);
    }

    // Bug caught: a warm-up the plan gives this instance for a task its own stream thread already claimed (assigned here, not
    // announced yet) counted as open: the standby thread never opens it, yet it used this instance's share of the cap (here the
    // only slot left, so the plan's other warm-up waited) and was passed back as open.
    [Fact]
    public void A_task_claimed_by_this_instance_is_no_warm_up_and_leaves_the_slot_to_the_next()
    {
        var layout = TopicLayout.Compute(Topologies.Count("in", "out").Model, "app", new Dictionary<string, int> { ["in"] = 12 });
        var live = new Dictionary<string, string[]>
        {
            ["a"] = Enumerable.Range(0, 10).Select(p => "0_" + p).ToArray(), ["x"] = ["0_10", "0_11"], ["y"] = [],
        };
        var (_, free) = For(2, "y", live, None, Held(), layout: layout);
        Assert.Equal(2, free.Count); // the plan gives y both warm-ups of the cap
        var ordered = free.Keys.OrderBy(KafkaTask.Name, StringComparer.Ordinal).ToArray();
        var stale = new Dictionary<string, string[]> { ["x"] = ["0_0"] }; // x still announces a warm-up: one slot left for y
        var (wanted, warmups) = For(2, "y", live, stale, Held(), layout: layout, claimed: ordered[0]);
        Assert.Equal([KafkaTask.Name(ordered[1])], Names(warmups.Keys));
        Assert.DoesNotContain(ordered[0], wanted);
        var (_, heldClaimed) = For(2, "y", live, stale, Held(ordered[0]), layout: layout, claimed: ordered[0]); // promoted while held
        Assert.DoesNotContain(ordered[0], heldClaimed.Keys);
    }

    // Bug caught: a warm-up whose task runs on no live instance kept indefinitely (e.g. its active's heartbeats late): every
    // instance counts it against the cap, so it blocks warm-ups group-wide — here this instance's own next one.
    [Fact]
    public void A_warm_up_whose_task_runs_nowhere_longer_than_a_hand_over_takes_is_dropped()
    {
        var t0 = TimeSpan.FromMinutes(5);
        var inHandOver = new Dictionary<string, string[]> { ["a"] = ["0_1", "0_2", "0_4", "0_5"], ["x"] = ["0_0"], ["y"] = [] };
        var (_, first) = For(1, "y", inHandOver, None, Held(new TaskId(0, 3)), t0);
        Assert.Equal(["0_3"], Names(first.Keys)); // kept, the cap's one slot with it: the plan's warm-up for y waits
        Assert.Equal(t0, first[new TaskId(0, 3)]);
        var (_, atBound) = For(1, "y", inHandOver, None, first, t0 + Bound);
        Assert.Equal(["0_3"], Names(atBound.Keys));
        Assert.Equal(t0, atBound[new TaskId(0, 3)]); // counted from when it was first seen running nowhere
        var (wanted, past) = For(1, "y", inHandOver, None, atBound, t0 + Bound + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("0_3", Names(past.Keys));
        Assert.DoesNotContain(new TaskId(0, 3), wanted);
        Assert.Single(past); // the slot went to the plan's warm-up
        var running = new Dictionary<string, string[]> { ["a"] = ["0_1", "0_2", "0_3", "0_4", "0_5"], ["x"] = ["0_0"], ["y"] = [] };
        var (_, reset) = For(1, "y", running, None, first, t0 + Bound + TimeSpan.FromSeconds(1));
        Assert.True(reset.Count <= 1 && reset.Values.All(v => v is null)); // its task runs again: no hand-over time counted
    }
}
