using Braid.Kafka.Internal;
using Braid.Processors;

namespace Braid.Kafka.Tests;

/// <summary>
/// The subscription rule of lag-aware assignment (<see cref="LagAwareEligibility"/>), against a from-scratch statement of
/// Kafka's HighAvailabilityTaskAssignor rule: a stateful task goes only to a caught-up instance while a live one exists.
/// </summary>
public sealed class LagAwareEligibilityTests
{
    private static readonly TaskId[] Tasks = Enumerable.Range(0, 6).Select(p => new TaskId(0, p)).Append(new TaskId(1, 0)).ToArray();

    private static bool Stateful(TaskId id) => id.Subtopology == 0; // sub-topology 1 is stateless

    private static IReadOnlySet<string> Set(params string[] tasks) => tasks.ToHashSet(StringComparer.Ordinal);

    // Bugs caught: a member asking for tasks it is cold on while a caught-up instance lives (the fail-over or balance move
    // could land on it), a caught-up standby not asking (the fail-over could not land on it), stateless tasks not spread.
    [Fact]
    public void Only_caught_up_instances_ask_for_a_stateful_task_and_everyone_for_a_stateless_one()
    {
        var caughtUp = new Dictionary<string, IReadOnlySet<string>>
        {
            ["a"] = Set("0_0", "0_1"), // runs them
            ["b"] = Set("0_2", "0_0"), // runs 0_2, caught-up standby of 0_0
            ["c"] = Set(),
        };
        var none = new HashSet<TaskId>();
        var a = LagAwareEligibility.Tasks(Tasks, Stateful, "a", caughtUp, none);
        var b = LagAwareEligibility.Tasks(Tasks, Stateful, "b", caughtUp, none);
        var c = LagAwareEligibility.Tasks(Tasks, Stateful, "c", caughtUp, none);
        // 0_3, 0_4, 0_5: nobody caught up (say, at start-up): anyone may take them.
        Assert.Equal(["0_0", "0_1", "0_3", "0_4", "0_5", "1_0"], a.Select(KafkaTask.Name).Order());
        Assert.Equal(["0_0", "0_2", "0_3", "0_4", "0_5", "1_0"], b.Select(KafkaTask.Name).Order());
        Assert.Equal(["0_3", "0_4", "0_5", "1_0"], c.Select(KafkaTask.Name).Order());
        // c restoring 0_1 (the group gave it before a caught up): it keeps asking, or the task would move for nothing.
        Assert.Contains(new TaskId(0, 1), LagAwareEligibility.Tasks(Tasks, Stateful, "c", caughtUp, new HashSet<TaskId> { new(0, 1) }));
    }

    // Bug caught: a task no live instance asks for (it would never run again): checked over random views, and that a
    // member cold on a task never asks for it while some live instance is caught up on it, unless it holds it.
    [Fact]
    public void Every_task_is_asked_for_by_some_live_member_and_cold_members_only_when_no_one_is_caught_up()
    {
        int seed = Environment.TickCount & 0x7fffffff;
        var rng = new Random(seed);
        for (int round = 0; round < 2000; round++)
        {
            var hosts = Enumerable.Range(0, rng.Next(1, 5)).Select(i => "h" + i).ToArray();
            var caughtUp = hosts.ToDictionary(h => h, _ => (IReadOnlySet<string>)Tasks.Where(_ => rng.Next(4) == 0).Select(KafkaTask.Name).ToHashSet(),
                StringComparer.Ordinal);
            var owned = hosts.ToDictionary(h => h, _ => (IReadOnlySet<TaskId>)Tasks.Where(_ => rng.Next(6) == 0).ToHashSet());
            var asks = hosts.ToDictionary(h => h, h => LagAwareEligibility.Tasks(Tasks, Stateful, h, caughtUp, owned[h]));
            foreach (var t in Tasks)
            {
                string name = KafkaTask.Name(t);
                Assert.True(hosts.Any(h => asks[h].Contains(t)), $"seed {seed}, round {round}: nobody asks for {name}");
                bool someoneCaughtUp = caughtUp.Values.Any(s => s.Contains(name));
                foreach (var h in hosts.Where(h => asks[h].Contains(t) && Stateful(t) && someoneCaughtUp))
                    Assert.True(caughtUp[h].Contains(name) || owned[h].Contains(t), $"seed {seed}, round {round}: {h} asks for {name}, cold while another is caught up");
            }
        }
    }
}
