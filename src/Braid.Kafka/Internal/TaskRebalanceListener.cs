using Braid.Internal.Faults;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The group member's rebalance callbacks (Kafka's <c>StreamsRebalanceListener</c>); they run inside the member's
/// poll, on the stream thread. The member's assignment of the task topic is this instance's task assignment.
/// Revoked: commit, then close the tasks cleanly, so the next owner starts exactly where they stopped. Lost
/// (session expired): close them without committing; under exactly-once abort the open transaction, which spans
/// every task, and rebuild the kept ones from their last commit.
/// </summary>
internal sealed class TaskRebalanceListener(TopicLayout layout, TaskManager tasks, TaskCommitter committer, RebalanceTracker rebalance,
    bool exactlyOnce, Action<StreamsState> setState, Action announce, ILogger logger)
{
    public bool AssignedOnce { get; private set; }

    /// <summary>Run first at every assignment: throws when this instance's topology is no longer the application's (TopologyGuard).</summary>
    public Action? VerifyTopology { get; set; }

    /// <summary>
    /// The exception a callback threw, for the stream thread to rethrow once the poll returned (Kafka's ConsumerCoordinator
    /// likewise records a rebalance listener's exception and throws it from <c>poll</c> after the rebalance step). Thrown out of
    /// the callback it leaves librdkafka's assignment half-applied, and closing the consumer then hangs: a failure while
    /// handing a task over (a standby's last write, a topology check) left the instance neither running nor stopped.
    /// </summary>
    public Exception? Failure { get; private set; }

    /// <summary>The thread failed outside a callback: the callbacks its consumer's close still runs hand nothing over.</summary>
    public void Fail(Exception e) => Failure ??= e;

    public void OnAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions) => Guard(() => Assigned(partitions));

    public void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions) => Guard(() => Revoked(partitions));

    public void OnLost(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions) => Guard(() => Lost(partitions));

    private void Guard(Action callback)
    {
        if (Failure is not null) return; // the thread stops at the end of this poll: nothing more to hand over
        try
        {
            callback();
        }
        catch (Exception e)
        {
            Failure = e;
        }
    }

    private void Assigned(List<TopicPartition> partitions)
    {
        VerifyTopology?.Invoke();
        AssignedOnce = true;
        rebalance.Assigned();
        var assigned = TasksOf(partitions);
        if (assigned.Count == 0) return;
        setState(StreamsState.Rebalancing);
        foreach (var id in assigned) tasks.Assign(id);
        logger.LogInformation("Assigned tasks [{Tasks}].", Names(assigned));
        announce(); // lag-aware assignment: held (restoring) tasks count as caught up from now on
    }

    private void Revoked(List<TopicPartitionOffset> partitions)
    {
        var revoked = TasksOf(partitions.Select(p => p.TopicPartition));
        if (revoked.Count == 0) return;
        setState(StreamsState.Rebalancing);
        Failpoints.Hit(HandOverFailpoints.RevokedBeforeCheckpoint);
        // Directly, not through the due-commit check: the revocation is part of the rebalance and must commit (TaskManager.handleRevocation).
        if (!committer.Commit(tasks.Running, force: true)) tasks.RebuildAll();
        rebalance.Revoked();
        foreach (var id in revoked) tasks.Close(id, dirty: false);
        logger.LogInformation("Revoked tasks [{Tasks}].", Names(revoked));
        announce();
    }

    private void Lost(List<TopicPartitionOffset> partitions)
    {
        setState(StreamsState.Rebalancing);
        rebalance.Revoked();
        var lost = TasksOf(partitions.Select(p => p.TopicPartition)).ToHashSet();
        logger.LogWarning("Lost tasks [{Tasks}] (session expired): closing them without committing.", Names(lost));
        if (exactlyOnce)
        {
            committer.Abort();
            tasks.RebuildAll(except: lost);
        }
        foreach (var id in lost) tasks.Close(id, dirty: true);
        announce();
    }

    /// <summary>The tasks some assigned partitions stand for: the task topic's partitions, or under lag-aware assignment the
    /// per-task topics (any other topic a member subscribes to stands for no task: <see cref="LagAwareSubscription"/>).</summary>
    private List<Braid.Processors.TaskId> TasksOf(IEnumerable<TopicPartition> ps) =>
        layout.PerTaskTopics ? ps.Select(p => layout.TaskOfTopic(p.Topic)).OfType<Braid.Processors.TaskId>().ToList() : ps.Select(p => TaskOf(p.Partition)).ToList();

    private Braid.Processors.TaskId TaskOf(Partition p)
    {
        if (p.Value >= layout.Tasks.Count)
        {
            throw new TopologyException($"the task topic '{layout.TasksTopic}' has a partition {p.Value}, but this topology has only {layout.Tasks.Count} tasks: " +
                "partitions were added to it, or another topology runs under the same application id. Stop every instance and see 'Upgrades' in docs/kafka.md.");
        }
        return layout.Tasks[p.Value];
    }

    private static string Names(IEnumerable<Braid.Processors.TaskId> ids) => string.Join(", ", ids.Select(KafkaTask.Name));
}
