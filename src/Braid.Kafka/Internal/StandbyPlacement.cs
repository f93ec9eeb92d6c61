using System.Text;

namespace Braid.Kafka.Internal;

/// <summary>
/// Where the standby replicas of each task live. Kafka Streams decides this in its group leader's assignor
/// (<c>DefaultStandbyTaskAssignor</c>: each stateful task's standbys go to the least-loaded clients that do not already hold
/// the task, active or standby) and ships it in the assignment. librdkafka has no custom client-side assignor, so here
/// every instance computes the same placement from the same inputs — the live instances and who runs each task, both
/// read from the instance announcements (<see cref="InstanceDirectory"/>) — by rendezvous hashing: a task's standbys are
/// the <c>replicas</c> instances with the highest hash of (task, instance), skipping the task's active instances.
/// Properties: never with the active; sticky (a task's standbys move only when one of its chosen instances leaves, or
/// becomes its active, since the ranking of the others never changes); spread evenly in expectation, not exactly
/// (the least-loaded rule balances exactly; hashing may put a few more standbys on one instance).
/// </summary>
internal static class StandbyPlacement
{
    /// <summary>The instances that keep a standby of <paramref name="task"/>: up to <paramref name="replicas"/>, never one in <paramref name="actives"/>.</summary>
    public static IReadOnlyList<string> For(string task, IEnumerable<string> instances, IReadOnlySet<string> actives, int replicas) =>
        instances.Where(i => !actives.Contains(i)).Distinct(StringComparer.Ordinal)
            .OrderByDescending(i => Score(task, i)).ThenBy(i => i, StringComparer.Ordinal)
            .Take(replicas).ToList();

    /// <summary>A hash of (task, instance) that every process computes alike (FNV-1a 64 over UTF-8, then a 64-bit finalizer).</summary>
    public static ulong Score(string task, string instance)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(task + "\u0000" + instance))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        // FNV alone clusters for inputs differing only at the end ("0_1/a", "0_2/a"): mix the bits (murmur3's fmix64).
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
