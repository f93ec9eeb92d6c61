namespace Braid.Kafka.Internal;

/// <summary>
/// Warm-up replicas for lag-aware assignment (<see cref="TaskAssignment.LagAware"/>): which task moves for balance, and
/// which instance warms it up first. Kafka Streams decides this in its group leader: <c>HighAvailabilityTaskAssignor</c>
/// computes a balanced assignment, and <c>TaskMovement.assignTaskMovements</c> keeps every task whose balanced owner is not
/// caught up on a caught-up client and gives the balanced owner a warm-up replica instead (a standby in the assignment), at
/// most <c>max.warmup.replicas</c> (default 2) at once; a probing rebalance (<c>probing.rebalance.interval.ms</c>) moves the
/// task once the warm-up caught up. librdkafka has no leader-side assignor, so every instance computes the same plan from the
/// same inputs — the live instances and the tasks each runs, read from the announcements, as <see cref="StandbyPlacement"/>
/// does — and only the target opens the warm-up (in its <see cref="StandbyUpdater"/>, as a standby). A caught-up warm-up is
/// then announced like a caught-up standby, so its instance asks the group for the task (<see cref="LagAwareEligibility"/>)
/// and the cooperative-sticky assignor moves it there: that subscription change is the probing rebalance.
/// <para>The rule: load = stateful tasks an instance runs. While the most-loaded live instance runs two or more tasks than the
/// least-loaded one, move one task from the former to the latter (ties broken by name): preferably one whose placed standby
/// already sits on the target (no warm-up needed, as Kafka's <c>swapStandbyAndActive</c>), else the one with the highest
/// rendezvous score for the target (stable while the loads stay put). A move whose target keeps no standby of the task needs a
/// warm-up; the first <c>maxWarmups</c> such moves get one, the others wait for a later plan (Kafka: "we have no more standbys
/// or warmups to hand out"). Since the inputs are only who runs what, the plan does not change while a warm-up catches up; it
/// changes when a task moved (its warm-up became the active: dropped as a warm-up) or an instance came or went (warm-ups no
/// longer in the plan are closed like standbys). All instances are counted with equal capacity (Kafka weighs by threads).</para>
/// </summary>
internal static class WarmupPlacement
{
    /// <summary>One planned move: <paramref name="Task"/> from <paramref name="Source"/> to <paramref name="Target"/>, which
    /// warms it up first unless it keeps the task's standby (<paramref name="Warmup"/> false) or the cap was reached.</summary>
    public sealed record Move(string Task, string Source, string Target, bool Warmup);

    /// <param name="stateful">The stateful tasks (only they have state to warm up).</param>
    /// <param name="live">The live instances with the tasks each runs (announced actives).</param>
    /// <param name="standbys">Where a task's placed standbys are (<see cref="StandbyPlacement.For"/> over the same view).</param>
    /// <param name="maxWarmups">Kafka Streams' <c>max.warmup.replicas</c>.</param>
    public static IReadOnlyList<Move> Plan(IEnumerable<string> stateful, IReadOnlyDictionary<string, string[]> live,
        Func<string, IReadOnlySet<string>, IReadOnlyList<string>> standbys, int maxWarmups)
    {
        var tasks = stateful.ToHashSet(StringComparer.Ordinal);
        // Who runs each task now (a task shown on two instances for a moment counts for both: it moves nowhere meanwhile).
        var actives = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var load = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (instance, running) in live)
        {
            var mine = running.Where(tasks.Contains).Distinct().Order(StringComparer.Ordinal).ToList();
            load[instance] = mine;
            foreach (var t in mine)
            {
                if (!actives.TryGetValue(t, out var set)) actives[t] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(instance);
            }
        }
        var moves = new List<Move>();
        int warmups = 0;
        var moved = new HashSet<string>(StringComparer.Ordinal);
        while (load.Count > 1)
        {
            var source = load.OrderByDescending(kv => kv.Value.Count).First();
            var target = load.OrderBy(kv => kv.Value.Count).First();
            if (source.Value.Count - target.Value.Count <= 1) break;
            var candidates = source.Value.Where(t => !moved.Contains(t) && actives[t].Count == 1).ToList();
            if (candidates.Count == 0) break;
            string task = candidates
                .OrderByDescending(t => standbys(t, actives[t]).Contains(target.Key))
                .ThenByDescending(t => StandbyPlacement.Score(t, target.Key)).ThenBy(t => t, StringComparer.Ordinal).First();
            bool needsWarmup = !standbys(task, actives[task]).Contains(target.Key);
            bool warmup = needsWarmup && warmups < maxWarmups;
            if (warmup) warmups++;
            moves.Add(new Move(task, source.Key, target.Key, warmup));
            moved.Add(task);
            source.Value.Remove(task);
            target.Value.Add(task);
        }
        return moves;
    }

    /// <summary>The tasks <paramref name="self"/> should keep a warm-up replica of now (the plan's warm-ups targeting it).</summary>
    public static IReadOnlySet<string> For(string self, IReadOnlyList<Move> plan) =>
        plan.Where(m => m.Warmup && m.Target == self).Select(m => m.Task).ToHashSet(StringComparer.Ordinal);
}
