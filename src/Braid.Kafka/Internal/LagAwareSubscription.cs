using System.Diagnostics;
using Braid.Processors;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// One stream thread's group subscription under lag-aware assignment: the per-task topics of the tasks
/// <see cref="LagAwareEligibility"/> makes it eligible for, re-computed a few times a second from the instance announcements.
/// A changed subscription makes the member rejoin; the cooperative-sticky assignor then moves only what must move (a task
/// whose topic this member dropped is revoked — committed and closed — through the ordinary callbacks). Safe at any moment:
/// the subscription only narrows whom the group may give a task to.
/// </summary>
internal sealed class LagAwareSubscription(TopicLayout layout, InstanceDirectory directory, ILogger logger)
{
    /// <summary>
    /// How long an instance's caught-up claim counts after its last announcement: four heartbeats of the standby updater
    /// (1 s; lag-aware assignment needs standbys, so it runs). Until then the others do not ask for its tasks, so this bounds
    /// how much later than the group a task none of the survivors is caught up on gets a new owner.
    /// </summary>
    public static readonly TimeSpan LiveWindow = TimeSpan.FromSeconds(4);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private string[] _topics = [];

    /// <summary>
    /// Subscribes <paramref name="group"/> to what this member should ask for now, if that changed and the member is
    /// <paramref name="steady"/> (joined, no rebalance in progress; the first subscription is always made).
    /// </summary>
    public void Refresh(IConsumer<byte[]?, byte[]?> group, Func<IReadOnlySet<TaskId>> owned, bool steady, bool now = false)
    {
        if (!now && _since.Elapsed < Interval) return;
        _since.Restart();
        var tasks = LagAwareEligibility.Tasks(layout.Tasks, layout.IsStateful, directory.Self, directory.CaughtUp(LiveWindow), owned());
        var topics = tasks.Select(layout.TaskTopic).Order(StringComparer.Ordinal).ToArray();
        // A member asking for no task stays in the group (and so is assigned once, and Running): it subscribes to the
        // one-partition instances topic, which stands for no task.
        if (topics.Length == 0) topics = [layout.InstancesTopic];
        if (topics.SequenceEqual(_topics)) return;
        // librdkafka aborts the process (rd_kafka_cgrp_modify_subscription asserts the join state is INIT or STEADY) when a
        // cooperative member's subscription changes while it (re)joins and a topic of the new subscription is missing from
        // its metadata cache (found in the fail-over harness: one instance in 30 kills). So the subscription changes only
        // while the member is steady, and the new topics' metadata is loaded into the member's own cache first: with every
        // topic cached, librdkafka never takes that path, whatever the join state by the time it handles the change.
        if (_topics.Length > 0 && (!steady || !CacheMetadata(group, topics.Except(_topics)))) return;
        group.Subscribe(topics);
        _topics = topics;
        logger.LogInformation("Lag-aware assignment: asking the group for tasks [{Tasks}].",
            string.Join(", ", tasks.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition).Select(KafkaTask.Name)));
    }

    /// <summary>Reads the topics' metadata through the member's own handle (a per-topic answer updates its cache).</summary>
    private bool CacheMetadata(IConsumer<byte[]?, byte[]?> group, IEnumerable<string> topics)
    {
        using var admin = new DependentAdminClientBuilder(group.Handle).Build();
        foreach (var topic in topics)
        {
            try
            {
                var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
                if (md.Topics.Count != 1 || md.Topics[0].Error.IsError) throw new KafkaException(md.Topics.FirstOrDefault()?.Error ?? new Error(ErrorCode.UnknownTopicOrPart));
            }
            catch (KafkaException e)
            {
                logger.LogWarning("Lag-aware assignment: no metadata for '{Topic}' yet ({Reason}); the subscription changes later.", topic, e.Error.Reason);
                return false;
            }
        }
        return true;
    }
}
