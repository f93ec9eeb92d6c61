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

    // Bugs caught (Kafka's least-lag fallback): when the only caught-up instance is gone, a survivor with no copy asking
    // beside one with a lagging replica (the group may pick the cold one and restore the whole store), the least-lagging
    // replica not asking (the task would wait for the group's balance), and a replica within the tolerance of the least not
    // asking (two replicas lagging alike would flap).
    [Fact]
    public void With_nobody_caught_up_only_the_least_lagging_replicas_ask_and_everyone_when_no_copy_is_left()
    {
        var caughtUp = new Dictionary<string, IReadOnlySet<string>> { ["b"] = Set(), ["c"] = Set(), ["d"] = Set() };
        var lags = new Dictionary<string, IReadOnlyDictionary<string, long>>
        {
            ["b"] = new Dictionary<string, long> { ["0_0"] = 5_000, ["0_1"] = 900 },
            ["c"] = new Dictionary<string, long> { ["0_0"] = 40_000, ["0_1"] = 1_000 },
            ["d"] = new Dictionary<string, long>(),
        };
        var none = new HashSet<TaskId>();
        IEnumerable<string> Asks(string h) => LagAwareEligibility.Tasks(Tasks, Stateful, h, caughtUp, none, lags, tolerance: 500)
            .Select(KafkaTask.Name).Order();
        // 0_0: b least (c is 35,000 behind b); 0_1: b and c within 500 of each other; 0_2..0_5: no copy anywhere, everyone.
        Assert.Equal(["0_0", "0_1", "0_2", "0_3", "0_4", "0_5", "1_0"], Asks("b"));
        Assert.Equal(["0_1", "0_2", "0_3", "0_4", "0_5", "1_0"], Asks("c"));
        Assert.Equal(["0_2", "0_3", "0_4", "0_5", "1_0"], Asks("d"));
        // Once b holds 0_0 (restoring: announced among its caught-up tasks), c and d stop asking for it.
        caughtUp["b"] = Set("0_0");
        Assert.DoesNotContain("0_0", Asks("c"));
    }

    // Bugs caught: a task no live instance asks for (it would never run again), a member cold on a task asking for it while
    // some live instance is caught up on it (unless it holds it), and, with nobody caught up, a member asking whose replica
    // lags more than the tolerance behind the least-lagging one, or that keeps no copy while another does. Checked over
    // random views against a from-scratch statement of the rule.
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
            var lags = hosts.ToDictionary(h => h, _ => (IReadOnlyDictionary<string, long>)Tasks.Where(_ => rng.Next(3) == 0)
                .ToDictionary(t => KafkaTask.Name(t), _ => (long)rng.Next(0, 4) * 1000), StringComparer.Ordinal);
            long tolerance = rng.Next(3) * 1000;
            var asks = hosts.ToDictionary(h => h, h => LagAwareEligibility.Tasks(Tasks, Stateful, h, caughtUp, owned[h], lags, tolerance));
            foreach (var t in Tasks)
            {
                string name = KafkaTask.Name(t);
                Assert.True(hosts.Any(h => asks[h].Contains(t)), $"seed {seed}, round {round}: nobody asks for {name}");
                if (!Stateful(t)) continue;
                bool someoneCaughtUp = caughtUp.Values.Any(s => s.Contains(name));
                var copies = hosts.Where(h => lags[h].ContainsKey(name)).Select(h => lags[h][name]).ToList();
                foreach (var h in hosts.Where(h => asks[h].Contains(t) && !caughtUp[h].Contains(name) && !owned[h].Contains(t)))
                {
                    Assert.False(someoneCaughtUp, $"seed {seed}, round {round}: {h} asks for {name}, cold while another is caught up");
                    if (copies.Count > 0)
                    {
                        Assert.True(lags[h].TryGetValue(name, out long lag) && lag <= copies.Min() + tolerance,
                            $"seed {seed}, round {round}: {h} asks for {name} though another replica lags less");
                    }
                }
                // With nobody caught up, a least-lagging replica does ask.
                if (!someoneCaughtUp && copies.Count > 0)
                {
                    string least = hosts.Where(h => lags[h].ContainsKey(name)).MinBy(h => lags[h][name])!;
                    Assert.True(asks[least].Contains(t), $"seed {seed}, round {round}: {least}, the least-lagging replica of {name}, does not ask");
                }
            }
        }
    }

    // Bugs caught: a fixed live window instead of the group's view (a task nobody is caught up on waiting longer than the
    // group needs to evict the dead member), counting an instance gone before the group could have evicted it (the rebalance
    // that starts would still hold the dead member), and one silent past the session timeout plus two announcements kept.
    [Fact]
    public void An_instance_counts_as_gone_once_the_group_rebalanced_after_its_session_timeout_or_two_announcements_later()
    {
        static TimeSpan Session(string? ms) => Braid.Kafka.Internal.LagAwareSubscription.SessionTimeoutOf(new KafkaStreamsOptions
        {
            BootstrapServers = "localhost:9092",
            ClientSettings = ms is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["session.timeout.ms"] = ms },
        });
        Assert.Equal(TimeSpan.FromSeconds(2), Session("2000"));
        Assert.Equal(TimeSpan.FromSeconds(45), Session(null)); // librdkafka's default
        const long F = 1000; // timestamp ticks per second
        static bool Live(double heard, double now, double rebalanced) =>
            Braid.Kafka.Internal.LagAwareSubscription.IsLive((long)(heard * F), (long)(now * F), (long)(rebalanced * F), TimeSpan.FromSeconds(2), F);
        Assert.True(Live(heard: 10, now: 11.9, rebalanced: 11.5));  // within the session timeout: alive whatever the group did
        Assert.True(Live(heard: 10, now: 12.5, rebalanced: 11.5));  // silent 2.5 s, but the last rebalance ended before its eviction
        Assert.False(Live(heard: 10, now: 12.5, rebalanced: 12.2)); // a rebalance ended after it would have been evicted: gone
        Assert.True(Live(heard: 10, now: 13.9, rebalanced: 0));     // no rebalance: session timeout + two announcements
        Assert.False(Live(heard: 10, now: 14.1, rebalanced: 0));
    }
}
