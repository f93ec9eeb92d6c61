using Braid.Kafka.Internal;
using Braid.Processors;
using Confluent.Kafka;

namespace Braid.Kafka.Tests;

/// <summary>
/// The lags of task states kept on disk (<see cref="OnDiskTaskLags"/>) and what lag-aware assignment makes of them, against
/// Kafka Streams' rule: every client reports the offset sums of the tasks it has state for (TaskManager.getTaskOffsetSums),
/// and the least-lagging client gets a task no one is caught up on (HighAvailabilityTaskAssignor).
/// </summary>
public sealed class OnDiskTaskLagsTests
{
    // Sub-topology 0 has two stores (two changelogs), sub-topology 1 one, sub-topology 2 none (stateless).
    private static readonly List<Dictionary<string, string>> Changelogs =
    [
        new() { ["a"] = "app-a-changelog", ["b"] = "app-b-changelog" },
        new() { ["c"] = "app-c-changelog" },
        new(),
    ];

    private static TopicPartition Tp(string topic, int p) => new(topic, p);

    // Bugs caught: a task with a store that has no checkpoint counted as a copy (it restores that store whole: an in-memory
    // store, or one never checkpointed), a checkpoint beyond the changelog's end or below its start counted (the task is
    // wiped and restores fully), the lag taken from one changelog instead of summed over the task's changelogs, a task this
    // instance runs reported (its lag comes from running it), a watermark query for it, and a failed query counted as lag 0.
    [Fact]
    public void Only_tasks_with_every_store_checkpointed_within_its_changelog_count_with_the_lag_summed_over_their_changelogs()
    {
        var checkpoints = new Dictionary<TopicPartition, long>
        {
            [Tp("app-a-changelog", 0)] = 90, [Tp("app-b-changelog", 0)] = 40, // 0_0: 10 + 60 behind
            [Tp("app-a-changelog", 1)] = 100, // 0_1: store b has no checkpoint
            [Tp("app-a-changelog", 2)] = 101, [Tp("app-b-changelog", 2)] = 100, // 0_2: a's checkpoint past the end
            [Tp("app-a-changelog", 3)] = 4, [Tp("app-b-changelog", 3)] = 100, // 0_3: a's checkpoint below the start
            [Tp("app-a-changelog", 4)] = 0, [Tp("app-b-changelog", 4)] = 0, // 0_4: runs here
            [Tp("app-c-changelog", 0)] = 100, // 1_0: caught up
            [Tp("app-c-changelog", 1)] = 7, // 1_1: its watermarks cannot be read now
            [Tp("other-changelog", 0)] = 3, // no store of this topology (a global store's, or an old one's)
        };
        var queried = new List<TopicPartition>();
        (long, long)? Ends(TopicPartition tp)
        {
            queried.Add(tp);
            if (tp.Topic == "app-c-changelog" && tp.Partition == 1) return null;
            return (tp.Partition == 3 ? 5 : 0, 100);
        }

        var lags = OnDiskTaskLags.Compute(checkpoints, Changelogs, id => id == new TaskId(0, 4), Ends);

        Assert.Equal(new Dictionary<TaskId, long> { [new(0, 0)] = 70, [new(1, 0)] = 0 }, lags);
        Assert.DoesNotContain(queried, tp => tp.Partition == 4 && tp.Topic != "app-c-changelog");
        Assert.Equal(queried.Count, queried.Distinct().Count()); // one query per partition
    }

    // Bugs caught: a copy of a task this instance runs or keeps a standby of announced over that lag, and a copy's lag not
    // announced (the mutation that the end-to-end test also fails under: AddCopies adding nothing).
    [Fact]
    public void Every_copy_of_a_task_not_run_or_kept_as_a_standby_here_announces_its_lag()
    {
        var copies = new Dictionary<TaskId, long> { [new(0, 0)] = 50, [new(0, 1)] = 1_051, [new(0, 4)] = 0 };
        var lags = new Dictionary<string, long> { ["0_4"] = 7 }; // the standby's own lag

        OnDiskTaskLags.AddCopies(copies, lags, id => id.Partition == 4);

        Assert.Equal(new Dictionary<string, long> { ["0_0"] = 50, ["0_1"] = 1_051, ["0_4"] = 7 }, lags);
    }

    // Bugs caught (the eligibility with on-disk copies, from the lags to who asks): with no live instance caught up, a member
    // without state asking beside one with the task on disk (it could take it and restore the whole changelog), the instance
    // with the copy not asking.
    [Fact]
    public void A_task_nobody_runs_is_asked_for_only_by_the_instance_with_the_least_lagging_copy_on_disk()
    {
        TaskId[] tasks = [new(0, 0), new(0, 1), new(0, 2), new(2, 0)];
        var checkpoints = new Dictionary<TopicPartition, long>
        {
            [Tp("app-a-changelog", 0)] = 60, [Tp("app-b-changelog", 0)] = 100, // 0_0: 40 behind, within the bound
            [Tp("app-a-changelog", 1)] = 10, [Tp("app-b-changelog", 1)] = 10, // 0_1: 180 behind
        };
        var onDisk = OnDiskTaskLags.Compute(checkpoints, Changelogs, _ => false, _ => (0, 100));
        var aLags = new Dictionary<string, long>();
        OnDiskTaskLags.AddCopies(onDisk, aLags, _ => false);
        var caughtUp = new Dictionary<string, IReadOnlySet<string>> { ["a"] = new HashSet<string>(), ["b"] = new HashSet<string>() };
        var lags = new Dictionary<string, IReadOnlyDictionary<string, long>> { ["a"] = aLags, ["b"] = new Dictionary<string, long>() };
        IEnumerable<string> Asks(string host) => LagAwareEligibility.Tasks(tasks, id => Changelogs[id.Subtopology].Count > 0, host, caughtUp,
            new HashSet<TaskId>(), lags, tolerance: 50).Select(KafkaTask.Name).Order();

        Assert.Equal(["0_0", "0_1", "0_2", "2_0"], Asks("a"));
        Assert.Equal(["0_2", "2_0"], Asks("b")); // 0_2: no copy anywhere, anyone; 2_0: stateless, anyone
    }
}
