using Braid.Kafka.Internal;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>
/// The warm-up decision every instance computes alike under lag-aware assignment (<see cref="WarmupPlacement"/>, Kafka's
/// <c>TaskMovement.assignTaskMovements</c>): who warms up which task before it moves for balance, within the cap.
/// </summary>
public sealed class WarmupPlacementTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyList<string> NoStandbys = [];

    private static IReadOnlyList<WarmupPlacement.Move> Plan(Dictionary<string, string[]> live, int max,
        Func<string, IReadOnlySet<string>, IReadOnlyList<string>>? standbys = null) =>
        WarmupPlacement.Plan(live.Values.SelectMany(t => t).Distinct(), live, standbys ?? ((_, _) => NoStandbys), max);

    // Bugs caught: a joining instance not warming up anything (it would get no task, or a cold one), warm-ups placed on the
    // loaded instances, or taken from one source only while both run more than their share.
    [Fact]
    public void A_joining_instance_warms_up_one_task_of_each_loaded_instance()
    {
        var live = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2"], ["b"] = ["0_3", "0_4", "0_5"], ["c"] = [] };
        var plan = Plan(live, 2);
        output.WriteLine(string.Join("; ", plan));
        Assert.Equal(2, plan.Count);
        Assert.All(plan, m => Assert.Equal("c", m.Target));
        Assert.All(plan, m => Assert.True(m.Warmup));
        Assert.Equal(["a", "b"], plan.Select(m => m.Source).Order());
        Assert.Equal(2, WarmupPlacement.For("c", plan).Count);
        Assert.Empty(WarmupPlacement.For("a", plan));
    }

    // Bug caught: no cap (a whole instance's tasks restored at once on a scale-out), or a cap that also stops the moves
    // that need no warm-up.
    [Fact]
    public void At_most_the_cap_of_warm_ups_at_once_the_other_moves_wait()
    {
        var live = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2", "0_3", "0_4", "0_5"], ["b"] = [], ["c"] = [], ["d"] = [] };
        var plan = Plan(live, 1);
        Assert.Equal(4, plan.Count); // 6/0/0/0 → 2/2/1/1
        Assert.Equal(1, plan.Count(m => m.Warmup));
        Assert.Equal(2, Plan(live, 2).Count(m => m.Warmup));
        Assert.Equal(4, Plan(live, 10).Count(m => m.Warmup));
    }

    // Bug caught: a warm-up kept (or a move planned) once the load is balanced — the warm-up would never be dropped.
    [Fact]
    public void Balanced_instances_need_no_warm_up_and_a_moved_task_leaves_the_plan()
    {
        Assert.Empty(Plan(new() { ["a"] = ["0_0", "0_1"], ["b"] = ["0_2", "0_3"], ["c"] = ["0_4"] }, 2));
        var before = Plan(new() { ["a"] = ["0_0", "0_1", "0_2"], ["b"] = ["0_3"], ["c"] = [] }, 2);
        var move = Assert.Single(before);
        var after = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2"], ["b"] = ["0_3"], ["c"] = [] };
        after["a"] = after["a"].Where(t => t != move.Task).ToArray();
        after["c"] = [move.Task];
        Assert.Empty(Plan(after, 2));
    }

    // Bug caught: a warm-up opened where the task's standby already is (a second copy on one instance, and a warm-up slot
    // spent for nothing): Kafka's swapStandbyAndActive moves such a task without a warm-up.
    [Fact]
    public void A_task_whose_standby_sits_on_the_target_moves_first_without_a_warm_up()
    {
        var live = new Dictionary<string, string[]> { ["a"] = ["0_0", "0_1", "0_2"], ["b"] = [] };
        var plan = Plan(live, 2, (t, _) => t == "0_2" ? ["b"] : ["a"]);
        var move = Assert.Single(plan);
        Assert.Equal(("0_2", "b", false), (move.Task, move.Target, move.Warmup));
        Assert.Empty(WarmupPlacement.For("b", plan));
    }

    // Bugs caught: a warm-up on the task's active instance, more than the cap, a plan that does not reach balance (max − min
    // ≤ 1 once every planned move is done), and one that depends on the order the announcements were read in (instances
    // would disagree about who warms up what).
    [Fact]
    public void Random_views_warm_up_never_on_the_active_within_the_cap_reach_balance_and_agree_across_instances()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        for (int round = 0; round < 500; round++)
        {
            var hosts = Enumerable.Range(0, rng.Next(1, 6)).Select(i => "h" + i).ToList();
            var tasks = Enumerable.Range(0, rng.Next(0, 20)).Select(p => "0_" + p).ToList();
            var live = hosts.ToDictionary(h => h, _ => new List<string>());
            foreach (var t in tasks) live[hosts[rng.Next(rng.Next(2) == 0 ? 1 : hosts.Count)]].Add(t); // often all on one
            int max = rng.Next(1, 4);
            var view = live.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            var plan = Plan(view, max);
            var shuffled = view.OrderBy(_ => rng.Next()).ToDictionary(kv => kv.Key, kv => kv.Value.OrderBy(_ => rng.Next()).ToArray());
            Assert.True(plan.SequenceEqual(Plan(shuffled, max)), $"seed {seed}: the plan depends on the view's order");
            Assert.True(plan.Count(m => m.Warmup) <= max, $"seed {seed}: {plan.Count(m => m.Warmup)} warm-ups, cap {max}");
            foreach (var m in plan)
            {
                Assert.True(live[m.Source].Remove(m.Task), $"seed {seed}: {m} moves a task its source does not run");
                Assert.NotEqual(m.Source, m.Target);
                live[m.Target].Add(m.Task);
            }
            if (hosts.Count > 1)
                Assert.True(live.Values.Max(l => l.Count) - live.Values.Min(l => l.Count) <= 1, $"seed {seed}: unbalanced after the plan");
        }
    }
}
