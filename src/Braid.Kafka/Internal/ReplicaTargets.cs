using Braid.Processors;

namespace Braid.Kafka.Internal;

/// <summary>
/// The replicas one instance's <see cref="StandbyUpdater"/> keeps: its placed standbys (<see cref="StandbyPlacement"/>) and,
/// under lag-aware assignment, the warm-up replicas the balance plan gives it (<see cref="WarmupPlacement"/>). Both are
/// computed from the live instances' announcements, so every instance reaches the same decision.
/// <para>The cap on warm-ups (<see cref="KafkaStreamsOptions.MaxWarmupReplicas"/>) holds across the group by construction of
/// the plan when views agree. Views disagree for up to a heartbeat (an instance that joined or a task that just moved), so an
/// instance opens a <i>new</i> warm-up only while the warm-ups the others announce (announced standbys that are not their
/// placed ones) and its own stay within the cap; a warm-up already open stays while the plan keeps it.</para>
/// </summary>
internal static class ReplicaTargets
{
    /// <param name="layout">The tasks and which are stateful.</param>
    /// <param name="options">Standbys per task, assignment mode, warm-up cap.</param>
    /// <param name="self">This instance.</param>
    /// <param name="live">The live instances with the tasks each runs.</param>
    /// <param name="announcedStandbys">The live instances with the standby replicas each announced (warm-ups included).</param>
    /// <param name="openWarmups">The warm-ups this instance keeps now.</param>
    /// <returns>The tasks to keep a replica of, and which of them are warm-ups.</returns>
    public static (HashSet<TaskId> Wanted, HashSet<TaskId> Warmups) For(TopicLayout layout, KafkaStreamsOptions options, string self,
        IReadOnlyDictionary<string, string[]> live, IReadOnlyDictionary<string, string[]> announcedStandbys, IReadOnlySet<TaskId> openWarmups)
    {
        var stateful = layout.Tasks.Where(layout.IsStateful).ToDictionary(KafkaTask.Name, StringComparer.Ordinal);
        var actives = stateful.Keys.ToDictionary(t => t, t => (IReadOnlySet<string>)live.Where(kv => kv.Value.Contains(t)).Select(kv => kv.Key)
            .ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var placed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IReadOnlyList<string> Standbys(string task, IReadOnlySet<string> _) =>
            placed.TryGetValue(task, out var p) ? p : placed[task] = StandbyPlacement.For(task, live.Keys, actives[task], options.NumStandbyReplicas);
        var wanted = stateful.Where(kv => Standbys(kv.Key, actives[kv.Key]).Contains(self)).Select(kv => kv.Value).ToHashSet();
        var warmups = new HashSet<TaskId>();
        if (options.TaskAssignment != TaskAssignment.LagAware) return (wanted, warmups);
        var plan = WarmupPlacement.Plan(stateful.Keys, live, Standbys, options.MaxWarmupReplicas);
        var mine = WarmupPlacement.For(self, plan);
        int others = announcedStandbys.Where(kv => kv.Key != self && live.ContainsKey(kv.Key))
            .Sum(kv => kv.Value.Count(t => stateful.ContainsKey(t) && !actives[t].Contains(kv.Key) && !Standbys(t, actives[t]).Contains(kv.Key)));
        warmups.UnionWith(mine.Select(t => stateful[t]).Where(openWarmups.Contains));
        // A warm-up whose task no live instance runs right now is most likely being handed over to this instance (revoked from
        // its source, not yet assigned here): keep it. Dropped, the plan would warm up another task meanwhile, and with no copy
        // of the task left anywhere every instance would ask for it (LagAwareEligibility's "no copy: anyone") — a cold move.
        warmups.UnionWith(openWarmups.Where(id => stateful.TryGetValue(KafkaTask.Name(id), out _) && actives[KafkaTask.Name(id)].Count == 0));
        int budget = options.MaxWarmupReplicas - others - warmups.Count;
        foreach (var task in mine.Order(StringComparer.Ordinal).Where(t => !openWarmups.Contains(stateful[t])))
        {
            if (budget-- <= 0) break;
            warmups.Add(stateful[task]);
        }
        wanted.UnionWith(warmups);
        return (wanted, warmups);
    }
}
