using Braid.Processors;
using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// Lag-aware assignment: the lags of the task states this instance keeps on disk but neither runs nor keeps a standby of —
/// left by a previous run, or by a task released here and not cleaned up yet (<see cref="LocalTaskStates"/>, until
/// <see cref="KafkaStreamsOptions.StateCleanupDelay"/>). Kafka Streams counts those copies: each client's subscription carries
/// the offset sums of every task whose state directory it has (<c>TaskManager.getTaskOffsetSums</c>: running tasks as
/// <c>LATEST_OFFSET</c>, the others from their checkpoint files), the leader turns them into lags against the changelogs' ends
/// (<c>ClientState.computeTaskLags</c>, <c>lagFor</c>), and <c>HighAvailabilityTaskAssignor.buildClientRankingsByTask</c> ranks a
/// client within <c>acceptable.recovery.lag</c> as caught up whatever kind of copy it has (not followed here: see
/// <see cref="AddTo"/>), and the others by their lag — so a task
/// no one is caught up on goes to the least-lagging client (<c>TaskMovement</c>), not to one that restores the whole changelog.
/// Here the instance announces those lags (<see cref="InstanceDirectory"/>, beside its standbys' ones) and
/// <see cref="LagAwareEligibility"/> does the rest.
/// <para>A copy's lag is the changelog end minus its checkpoint (the next offset it holds), summed over the task's changelog
/// partitions. A task with a changelog that has no checkpoint (an in-memory store, or a store the previous run never
/// checkpointed) restores fully, and so does one whose checkpoint lies outside its changelog (LocalTaskStates wipes it): no
/// entry, as a copy that saves nothing. Refreshed at start-up, when a task is released or removed here
/// (<see cref="Invalidate"/>), and every <see cref="Interval"/> for the ends, on the standby thread: one watermark query per
/// changelog partition of the copies per refresh, no per-record work. Nothing here writes to disk.</para>
/// </summary>
internal sealed class OnDiskTaskLags(TopicLayout layout, LocalTaskStates local, Func<TopicPartition, (long Low, long High)?> ends, TimeProvider time)
{
    /// <summary>
    /// How often the ends are re-read. A copy's lag only grows while another instance runs the task (and then that one is caught
    /// up, so the lag only decides whether this copy counts as caught up too); while nobody runs it, the changelog stands still.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static readonly IReadOnlyDictionary<TaskId, long> None = new Dictionary<TaskId, long>();
    private volatile bool _stale = true;
    private long _refreshedAt;

    /// <summary>The on-disk copies' lags as of the last refresh (changelog records behind the ends).</summary>
    public IReadOnlyDictionary<TaskId, long> Lags { get; private set; } = None;

    /// <summary>Watermark queries made (one per changelog partition of a copy per refresh; a test hook).</summary>
    public long WatermarkQueries { get; private set; }

    /// <summary>The copies changed (a task released, cleaned up or wiped): the next <see cref="MaybeRefresh"/> re-reads them.</summary>
    public void Invalidate() => _stale = true;

    /// <summary>Re-reads the checkpoints and ends if invalidated or <see cref="Interval"/> passed; whether it did.</summary>
    /// <param name="skip">Tasks this instance runs or keeps a standby of (their lags come from elsewhere).</param>
    public bool MaybeRefresh(Func<TaskId, bool> skip)
    {
        if (!_stale && time.GetElapsedTime(_refreshedAt) < Interval) return false;
        _stale = false; // before reading: a release racing this refresh marks it stale again
        Lags = Compute(local.Checkpoints(), layout.ChangelogsPerSubtopology, skip, tp =>
        {
            WatermarkQueries++;
            return ends(tp);
        });
        _refreshedAt = time.GetTimestamp();
        return true;
    }

    /// <summary>
    /// The lag of every task with a complete, usable checkpoint on disk (pure: the model test drives it).
    /// </summary>
    /// <param name="checkpoints">The next offset each checkpointed changelog partition's state holds.</param>
    /// <param name="changelogs">Per sub-topology, its stores' changelog topics (a task's partitions are these at its partition).</param>
    /// <param name="skip">Tasks not to report.</param>
    /// <param name="ends">A changelog partition's low and high watermarks, or null when they cannot be read now.</param>
    internal static Dictionary<TaskId, long> Compute(IReadOnlyDictionary<TopicPartition, long> checkpoints,
        IReadOnlyList<Dictionary<string, string>> changelogs, Func<TaskId, bool> skip, Func<TopicPartition, (long Low, long High)?> ends)
    {
        var subtopologyOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int sub = 0; sub < changelogs.Count; sub++)
        {
            foreach (var topic in changelogs[sub].Values) subtopologyOf[topic] = sub;
        }
        var tasks = checkpoints.Keys.Where(tp => subtopologyOf.ContainsKey(tp.Topic))
            .Select(tp => new TaskId(subtopologyOf[tp.Topic], tp.Partition.Value)).Distinct()
            .OrderBy(t => t.Subtopology).ThenBy(t => t.Partition);
        var lags = new Dictionary<TaskId, long>();
        foreach (var id in tasks)
        {
            if (skip(id)) continue;
            long sum = 0;
            bool usable = true;
            foreach (var topic in changelogs[id.Subtopology].Values)
            {
                var tp = new TopicPartition(topic, id.Partition);
                // A store without a checkpoint restores from the changelog's start; one whose checkpoint is outside the
                // changelog is wiped first (LocalTaskStates): either way the copy saves nothing, so it is no copy.
                if (!checkpoints.TryGetValue(tp, out long next) || ends(tp) is not var (low, high) || next > high || next < low)
                {
                    usable = false;
                    break;
                }
                sum += high - next;
            }
            if (usable) lags[id] = sum;
        }
        return lags;
    }

    /// <summary>
    /// Adds the copies of tasks this instance neither runs nor keeps a standby of (not <paramref name="skip"/>) to the lags it
    /// announces, for the least-lag fallback. Not to its caught-up set: Kafka ranks a copy within <c>acceptable.recovery.lag</c>
    /// as caught up, with lags computed fresh at each rebalance; here a copy's lag is up to <see cref="Interval"/> old and the
    /// caught-up set keeps the standbys' hysteresis (one counted stays so until 1,000+ records behind), so a copy left behind by
    /// a task that moved on stayed "caught up" and drew fail-overs away from the caught-up standby (measured: the two fail-over
    /// tests of LagAwareAssignmentTests and LagAwareFailoverTests failed that way).
    /// </summary>
    public void AddTo(Dictionary<string, long> lags, Func<TaskId, bool> skip) => AddCopies(Lags, lags, skip);

    /// <summary>As <see cref="AddTo"/>, over the given copies' lags (pure: the model test drives it).</summary>
    internal static void AddCopies(IReadOnlyDictionary<TaskId, long> copies, Dictionary<string, long> lags, Func<TaskId, bool> skip)
    {
        foreach (var (id, lag) in copies)
        {
            if (!skip(id)) lags[KafkaTask.Name(id)] = lag;
        }
    }

    /// <summary>The watermarks of a changelog partition through <paramref name="consumer"/> (a broker request), null on failure.</summary>
    public static Func<TopicPartition, (long Low, long High)?> EndsOf(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout) => tp =>
    {
        try
        {
            var wm = consumer.QueryWatermarkOffsets(tp, timeout);
            return (wm.Low.Value, wm.High.Value);
        }
        catch (KafkaException)
        {
            return null; // this refresh counts no copy of the task (as before this rule); the next one asks again
        }
    };
}
