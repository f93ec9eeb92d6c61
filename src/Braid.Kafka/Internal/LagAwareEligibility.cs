using Braid.Processors;

namespace Braid.Kafka.Internal;

/// <summary>
/// Lag-aware assignment on librdkafka (<see cref="TaskAssignment.LagAware"/>). Kafka Streams' <c>HighAvailabilityTaskAssignor</c>
/// gives a stateful task only to a client that is caught up on it — running it, or holding a replica within
/// <c>acceptable.recovery.lag</c> (its <c>tasksToCaughtUpClients</c>) — and, when no client is, to the least-lagging one
/// (<c>tasksToClientByLag</c>, <c>TaskMovement.mostCaughtUpEligibleClient</c>); it runs in the group leader's custom assignor,
/// which librdkafka cannot plug in (confluentinc/librdkafka#2284). What a librdkafka member does control is its
/// <b>subscription</b>, and every built-in assignor (cooperative-sticky included) gives a topic's partitions only to members
/// subscribed to it. So each task has a one-partition topic (<see cref="TopicLayout.AddTaskTopics"/>) and each member
/// subscribes to the topics of the tasks this rule makes it eligible for:
/// <list type="bullet">
/// <item>a task its instance is caught up on (runs it, or keeps a standby within <see cref="KafkaStreamsOptions.AcceptableRecoveryLag"/>);</item>
/// <item>a task this member owns right now (still restoring, say): dropping it would only move it to no one better;</item>
/// <item>a task no live instance is caught up on (at start-up, or once every caught-up instance is gone): the live instances
/// with the least announced lag on it ask (Kafka's least-lag fallback), within <c>tolerance</c> of the least so two replicas
/// lagging alike do not flap; when no live instance keeps any copy of it, anyone asks and the sticky assignor decides;</item>
/// <item>a stateless task: nothing to restore, anyone.</item>
/// </list>
/// The group still makes the assignment, with its generations, cooperative revocation and KIP-447 fencing, so which member
/// asks for what can affect only who gets a task, never whether two members run it. The rule's one liveness duty: some live
/// member must ask for every task. A caught-up instance always asks (it knows itself); when all of them died, the instance
/// with the least lag asks (every view holds its announced lag, so it counts itself among the least), or everyone when no
/// copy is left. Two views may disagree for a moment (announcements arrive up to a heartbeat apart), but a task nobody runs
/// has a changelog that does not grow, so its replicas' lags stop moving and the views agree within a heartbeat.
/// </summary>
internal static class LagAwareEligibility
{
    /// <param name="tasks">Every task of the topology.</param>
    /// <param name="stateful">Whether a task keeps state (has changelogs).</param>
    /// <param name="self">This instance.</param>
    /// <param name="caughtUp">The live instances (this one included) with the tasks each is caught up on (or holds).</param>
    /// <param name="owned">The tasks this member holds now (running or restoring).</param>
    /// <param name="lags">The live instances' announced lags of the replicas they keep (changelog records behind the end); an
    /// instance without a replica of a task has no entry for it.</param>
    /// <param name="tolerance">How far above the least lag a replica still counts as least-lagging (hysteresis).</param>
    public static IReadOnlySet<TaskId> Tasks(IEnumerable<TaskId> tasks, Func<TaskId, bool> stateful, string self,
        IReadOnlyDictionary<string, IReadOnlySet<string>> caughtUp, IReadOnlySet<TaskId> owned,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? lags = null, long tolerance = 0)
    {
        IReadOnlySet<string> mine = caughtUp.TryGetValue(self, out var m) ? m : new HashSet<string>();
        IReadOnlyDictionary<string, long> myLags = lags is not null && lags.TryGetValue(self, out var l) ? l : new Dictionary<string, long>();
        var result = new HashSet<TaskId>();
        foreach (var id in tasks)
        {
            string name = KafkaTask.Name(id);
            if (!stateful(id) || owned.Contains(id) || mine.Contains(name)) result.Add(id);
            else if (!caughtUp.Values.Any(s => s.Contains(name)) && LeastLagging(name, myLags, lags, tolerance)) result.Add(id);
        }
        return result;
    }

    /// <summary>Nobody live is caught up on the task: whether this instance's replica is (within tolerance) the least lagging.</summary>
    private static bool LeastLagging(string task, IReadOnlyDictionary<string, long> mine,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>? lags, long tolerance)
    {
        long? best = null;
        if (lags is not null)
        {
            foreach (var host in lags.Values)
            {
                if (host.TryGetValue(task, out long lag) && (best is null || lag < best)) best = lag;
            }
        }
        if (best is null) return true; // no live instance keeps a copy: anyone (the group balances)
        return mine.TryGetValue(task, out long own) && own <= best.Value + tolerance;
    }
}
