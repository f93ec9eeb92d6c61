using Braid.Processors;

namespace Braid.Kafka.Internal;

/// <summary>
/// The replicas one instance's <see cref="StandbyUpdater"/> keeps: its placed standbys (<see cref="StandbyPlacement"/>) and,
/// under lag-aware assignment, the warm-up replicas the balance plan gives it (<see cref="WarmupPlacement"/>). Both are
/// computed from the live instances' announcements, so every instance reaches the same decision.
/// <para>The cap on warm-ups (<see cref="KafkaStreamsOptions.MaxWarmupReplicas"/>) holds across the group by construction of
/// the plan when views agree. Views disagree for up to a heartbeat (an instance that joined or a task that just moved), so an
/// instance opens a <i>new</i> warm-up only while the warm-ups the others announce (announced standbys that are not their
/// placed ones) and its own stay within the cap; a warm-up already open stays while the plan keeps it. This narrows the
/// window, it does not close it: two instances deciding in the same moment on views that do not yet show each other's new
/// warm-up can both open one, and the group is over the cap until the next announcement shows it and the plan drops the one
/// it no longer wants (milliseconds in the mock-cluster runs; bounded by the announcement heartbeat). Kafka's assignment is
/// computed by one leader and has no such window; a strict cap here would need the same (one instance deciding warm-ups). Only warm-ups actually
/// held count as its own: a task this instance's stream threads claimed gets none (the standby thread never opens it).</para>
/// </summary>
internal static class ReplicaTargets
{
    /// <summary>
    /// How long a held warm-up is kept while its task runs on no live instance (<see cref="For"/>'s hand-over exception): the
    /// group's session timeout (a crashed active's tasks are handed on only then) plus two liveness windows (the new owner's
    /// announcement arriving). Past it the task is not coming here; the warm-up would only hold a slot of the cap, which every
    /// other instance counts, blocking warm-ups group-wide.
    /// </summary>
    public static TimeSpan HandOverBound(KafkaStreamsOptions options, TimeSpan liveWindow) =>
        LagAwareSubscription.SessionTimeoutOf(options) + 2 * liveWindow;

    /// <param name="layout">The tasks and which are stateful.</param>
    /// <param name="options">Standbys per task, assignment mode, warm-up cap.</param>
    /// <param name="self">This instance.</param>
    /// <param name="view">The live instances with the tasks each runs and the standby replicas each announced (warm-ups included).</param>
    /// <param name="held">The warm-ups this instance holds open now, each with since when its task has run on no live instance
    /// (null: it runs somewhere) — the previous call's warm-ups that were actually opened.</param>
    /// <param name="claimed">The tasks this instance's stream threads hold: never a warm-up here.</param>
    /// <param name="now">This instance's monotonic clock (the same origin on every call).</param>
    /// <param name="handOverBound">How long a warm-up whose task runs nowhere is kept (<see cref="HandOverBound"/>).</param>
    /// <returns>The tasks to keep a replica of, and which of them are warm-ups (with since when their tasks run nowhere, for <paramref name="held"/>).</returns>
    public static (HashSet<TaskId> Wanted, Dictionary<TaskId, TimeSpan?> Warmups) For(TopicLayout layout, KafkaStreamsOptions options, string self,
        InstanceDirectory.LiveInstances view, IReadOnlyDictionary<TaskId, TimeSpan?> held, IReadOnlySet<TaskId> claimed, TimeSpan now, TimeSpan handOverBound)
    {
        var live = WithClaimed(view.Active, self, claimed);
        var stateful = layout.Tasks.Where(layout.IsStateful).ToDictionary(KafkaTask.Name, StringComparer.Ordinal);
        var actives = stateful.Keys.ToDictionary(t => t, t => (IReadOnlySet<string>)live.Where(kv => kv.Value.Contains(t)).Select(kv => kv.Key)
            .ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var placed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IReadOnlyList<string> Standbys(string task, IReadOnlySet<string> _) =>
            placed.TryGetValue(task, out var p) ? p : placed[task] = StandbyPlacement.For(task, live.Keys, actives[task], options.NumStandbyReplicas);
        var wanted = stateful.Where(kv => Standbys(kv.Key, actives[kv.Key]).Contains(self)).Select(kv => kv.Value).ToHashSet();
        var warmups = new Dictionary<TaskId, TimeSpan?>();
        if (options.TaskAssignment != TaskAssignment.LagAware) return (wanted, warmups);
        var plan = WarmupPlacement.Plan(stateful.Keys, live, Standbys, options.MaxWarmupReplicas);
        var mine = WarmupPlacement.For(self, plan).Select(t => stateful[t]).Where(id => !claimed.Contains(id)).ToList();
        int others = view.Standbys.Where(kv => kv.Key != self && live.ContainsKey(kv.Key))
            .Sum(kv => kv.Value.Count(t => stateful.ContainsKey(t) && !actives[t].Contains(kv.Key) && !Standbys(t, actives[t]).Contains(kv.Key)));
        foreach (var id in mine.Where(held.ContainsKey)) warmups[id] = null; // the plan moves only tasks that run somewhere
        // A warm-up whose task no live instance runs right now is most likely being handed over to this instance (revoked from
        // its source, not yet assigned here): keep it. Dropped, the plan would warm up another task meanwhile, and with no copy
        // of the task left anywhere every instance would ask for it (LagAwareEligibility's "no copy: anyone") — a cold move.
        // Only for a hand-over's time, though (HandOverBound): past it, it would hold a slot of the group's cap indefinitely.
        foreach (var (id, since) in held)
        {
            if (warmups.ContainsKey(id) || claimed.Contains(id) || !stateful.ContainsKey(KafkaTask.Name(id)) || actives[KafkaTask.Name(id)].Count > 0) continue;
            var from = since ?? now;
            if (now - from <= handOverBound) warmups[id] = from;
        }
        int budget = options.MaxWarmupReplicas - others - warmups.Count;
        foreach (var id in mine.Where(id => !held.ContainsKey(id)).OrderBy(KafkaTask.Name, StringComparer.Ordinal))
        {
            if (budget-- <= 0) break;
            warmups[id] = null;
        }
        wanted.UnionWith(warmups.Keys);
        return (wanted, warmups);
    }

    // The tasks this instance's stream threads claimed count as its own load, whatever the announcements say: a claimed task
    // still restoring is announced as caught up, not active, and its previous owner's announcement may still list it. Seen
    // without it, a hand-over in progress made this instance look one task lighter, so its plan opened a warm-up that the next
    // plan (once the task ran) dropped — long enough for the subscription to ask for that task and get it without a warm-up
    // the group could see (WarmupReplicaTests under CI load, session 18: y warmed 0_1 up while restoring 0_5, then took it).
    // Kafka computes one plan on the leader from owned tasks, restoring or not (HighAvailabilityTaskAssignor).
    private static IReadOnlyDictionary<string, string[]> WithClaimed(IReadOnlyDictionary<string, string[]> active, string self,
        IReadOnlySet<TaskId> claimed)
    {
        if (claimed.Count == 0) return active;
        var names = claimed.Select(KafkaTask.Name).ToHashSet(StringComparer.Ordinal);
        var mine = active.TryGetValue(self, out var a) ? a : [];
        if (names.IsSubsetOf(mine) && active.All(kv => kv.Key == self || !kv.Value.Any(names.Contains))) return active;
        var copy = active.ToDictionary(kv => kv.Key, kv => kv.Key == self ? kv.Value : kv.Value.Where(t => !names.Contains(t)).ToArray(),
            StringComparer.Ordinal);
        copy[self] = mine.Union(names, StringComparer.Ordinal).ToArray();
        return copy;
    }
}
