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

    /// <summary>Subscribes <paramref name="group"/> to what this member should ask for now, if that changed.</summary>
    public void Refresh(IConsumer<byte[]?, byte[]?> group, Func<IReadOnlySet<TaskId>> owned, bool now = false)
    {
        if (!now && _since.Elapsed < Interval) return;
        _since.Restart();
        var tasks = LagAwareEligibility.Tasks(layout.Tasks, layout.IsStateful, directory.Self, directory.CaughtUp(LiveWindow), owned());
        var topics = tasks.Select(layout.TaskTopic).Order(StringComparer.Ordinal).ToArray();
        // A member asking for no task stays in the group (and so is assigned once, and Running): it subscribes to the
        // one-partition instances topic, which stands for no task.
        if (topics.Length == 0) topics = [layout.InstancesTopic];
        if (topics.SequenceEqual(_topics)) return;
        group.Subscribe(topics);
        _topics = topics;
        logger.LogInformation("Lag-aware assignment: asking the group for tasks [{Tasks}].",
            string.Join(", ", tasks.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition).Select(KafkaTask.Name)));
    }
}
