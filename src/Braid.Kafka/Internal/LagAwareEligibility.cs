using Braid.Processors;

namespace Braid.Kafka.Internal;

/// <summary>
/// Lag-aware assignment on librdkafka (<see cref="TaskAssignment.LagAware"/>). Kafka Streams' <c>HighAvailabilityTaskAssignor</c>
/// gives a stateful task only to a client that is caught up on it — running it, or holding a replica within
/// <c>acceptable.recovery.lag</c> (its <c>tasksToCaughtUpClients</c>) — and to the least-lagging client when none is; it runs in
/// the group leader's custom assignor, which librdkafka cannot plug in (confluentinc/librdkafka#2284). What a librdkafka member
/// does control is its <b>subscription</b>, and every built-in assignor (cooperative-sticky included) gives a topic's
/// partitions only to members subscribed to it. So each task has a one-partition topic (<see cref="TopicLayout.AddTaskTopics"/>)
/// and each member subscribes to the topics of the tasks this rule makes it eligible for:
/// <list type="bullet">
/// <item>a task its instance is caught up on (runs it, or keeps a standby within <see cref="KafkaStreamsOptions.AcceptableRecoveryLag"/>);</item>
/// <item>a task this member owns right now (still restoring, say): dropping it would only move it to no one better;</item>
/// <item>a task no live instance is caught up on (at start-up, or once every caught-up instance is gone): anyone may take it,
/// the sticky assignor decides (Kafka's "most caught-up client" is not known to it);</item>
/// <item>a stateless task: nothing to restore, anyone.</item>
/// </list>
/// The group still makes the assignment, with its generations, cooperative revocation and KIP-447 fencing, so which member
/// asks for what can affect only who gets a task, never whether two members run it. The rule's one liveness duty: some live
/// member must ask for every task. A caught-up instance always asks (it knows itself); when all of them died, the others ask
/// once their announcements are older than the live window (<see cref="InstanceDirectory.CaughtUp"/>).
/// </summary>
internal static class LagAwareEligibility
{
    /// <param name="tasks">Every task of the topology.</param>
    /// <param name="stateful">Whether a task keeps state (has changelogs).</param>
    /// <param name="self">This instance.</param>
    /// <param name="caughtUp">The live instances (this one included) with the tasks each is caught up on.</param>
    /// <param name="owned">The tasks this member holds now (running or restoring).</param>
    public static IReadOnlySet<TaskId> Tasks(IEnumerable<TaskId> tasks, Func<TaskId, bool> stateful, string self,
        IReadOnlyDictionary<string, IReadOnlySet<string>> caughtUp, IReadOnlySet<TaskId> owned)
    {
        IReadOnlySet<string> mine = caughtUp.TryGetValue(self, out var m) ? m : new HashSet<string>();
        var result = new HashSet<TaskId>();
        foreach (var id in tasks)
        {
            string name = KafkaTask.Name(id);
            if (!stateful(id) || owned.Contains(id) || mine.Contains(name) || !caughtUp.Values.Any(s => s.Contains(name))) result.Add(id);
        }
        return result;
    }
}
