using System.Diagnostics;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Restores the stores of newly assigned tasks from their changelog partitions, in steps inside the poll loop
/// (Kafka's <c>StoreChangelogReader.restore</c>, called once per loop with a bounded poll), so the group member keeps
/// polling: a long restore no longer overruns <c>max.poll.interval.ms</c>, which made the member leave the group,
/// lose its tasks, rejoin and restore again from zero. On-disk stores start at their local checkpoint, in-memory
/// ones at the partition's start; each ends at the partition's end read when the restore begins (after the task's
/// committed offsets were fetched: see <see cref="TaskManager"/>).
/// </summary>
internal sealed class RestoreDriver(IConsumer<byte[]?, byte[]?> consumer, ILogger logger, IStateRestoreListener? listener, TimeSpan requestTimeout)
    : IDisposable
{
    private readonly Dictionary<TopicPartition, Restoring> _partitions = new();
    private readonly Dictionary<KafkaTask, HashSet<TopicPartition>> _remaining = new();
    private long _total;

    /// <summary>Changelog records applied since this instance started.</summary>
    public long TotalRestored => Interlocked.Read(ref _total);

    public bool Active => _remaining.Count > 0;

    public IEnumerable<KafkaTask> Tasks => _remaining.Keys;

    /// <summary>The next changelog offset a restoring partition will apply, or null when it is not restoring.</summary>
    public long? Position(TopicPartition tp) => _partitions.TryGetValue(tp, out var p) ? p.Next : null;

    /// <summary>Changelog records <paramref name="task"/> still has to apply before it runs (the dashboard's restoring row).</summary>
    public long Remaining(KafkaTask task) => _partitions.Values.Where(p => p.Task == task).Sum(p => Math.Max(0, p.End - p.Next));

    /// <summary>Starts restoring <paramref name="task"/>; <paramref name="checkpoint"/> gives a partition's local checkpoint, or null to read it all.</summary>
    public void Begin(KafkaTask task, Func<TopicPartition, long?> checkpoint)
    {
        var todo = new HashSet<TopicPartition>();
        var assign = new List<TopicPartitionOffset>();
        var bounds = task.Restorable.Select(store =>
        {
            var tp = new TopicPartition(store.ChangelogTopic, task.Id.Partition);
            return (store, tp, wm: consumer.QueryWatermarkOffsets(tp, requestTimeout), local: checkpoint(tp));
        }).ToList();
        foreach (var (store, tp, wm, local) in bounds)
        {
            // Beyond the end: the changelog was deleted and re-created (or truncated). Below the start: records the store
            // never saw were removed (retention, DeleteRecords), tombstones among them. Either way the local state does not
            // match the changelog: the task is corrupted (Kafka: StoreChangelogReader turns the restore consumer's
            // InvalidOffsetException into a TaskCorruptedException; the task manager wipes it). Checked before anything is
            // assigned, so the task can be wiped and begun again.
            if (local is long c && (c > wm.High.Value || c < wm.Low.Value))
            {
                throw new TaskCorruptedException(task.Id, $"the local checkpoint of store '{store.Name}' on {tp} is offset {c}, " +
                    (c > wm.High.Value ? $"beyond the changelog's end {wm.High.Value}" : $"below the changelog's start {wm.Low.Value}"));
            }
        }
        foreach (var (store, tp, wm, local) in bounds)
        {
            long from = local ?? wm.Low.Value;
            var r = new Restoring(task, store, from, wm.High.Value);
            _partitions[tp] = r;
            listener?.OnRestoreStart(store.Name, tp.ToString(), from, wm.High.Value);
            if (wm.High.Value > from)
            {
                todo.Add(tp);
                assign.Add(new TopicPartitionOffset(tp, new Offset(from)));
            }
            else
            {
                listener?.OnRestoreEnd(store.Name, tp.ToString(), 0);
            }
        }
        _remaining[task] = todo;
        if (assign.Count > 0) consumer.IncrementalAssign(assign);
    }

    /// <summary>Applies up to <paramref name="max"/> changelog records (waiting at most <paramref name="waitMs"/>); returns the tasks now fully restored.</summary>
    public List<KafkaTask> Step(int max, int waitMs)
    {
        var batch = new Dictionary<TopicPartition, long>();
        for (int i = 0; i < max && _partitions.Count > 0; i++)
        {
            var r = consumer.Consume(i == 0 ? TimeSpan.FromMilliseconds(waitMs) : TimeSpan.Zero);
            if (r is null) break;
            if (!_partitions.TryGetValue(r.TopicPartition, out var p)) continue;
            if (r.IsPartitionEOF)
            {
                Finish(r.TopicPartition);
                continue;
            }
            p.Store.Restore(r.Message.Key!, r.Message.Value, r.Message.Timestamp.UnixTimestampMs);
            p.Next = r.Offset.Value + 1;
            p.Restored++;
            batch[r.TopicPartition] = batch.GetValueOrDefault(r.TopicPartition) + 1;
        }
        foreach (var (tp, n) in batch)
        {
            var p = _partitions[tp];
            Interlocked.Add(ref _total, n);
            KafkaMetrics.RestoredRecords.Add(n);
            listener?.OnBatchRestored(p.Store.Name, tp.ToString(), p.Next, n);
            // Transaction markers occupy offsets but are never delivered: the position is the reliable end test.
            if (p.Next >= p.End || consumer.Position(tp) is var pos && pos != Offset.Unset && pos.Value >= p.End) Finish(tp);
        }
        var done = _remaining.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList();
        foreach (var t in done)
        {
            _remaining.Remove(t);
            KafkaMetrics.RestoredTasks.Add(1);
            logger.LogInformation("Restored task {Task}: {Count} changelog records.", KafkaTask.Name(t.Id),
                _partitions.Values.Where(p => p.Task == t).Sum(p => p.Restored));
        }
        return done;
    }

    /// <summary>The next changelog offset each restored partition of <paramref name="task"/> reached (its new checkpoint); forgets the task.</summary>
    public Dictionary<TopicPartition, long> Reached(KafkaTask task)
    {
        var reached = _partitions.Where(kv => kv.Value.Task == task).ToDictionary(kv => kv.Key, kv => kv.Value.Next);
        foreach (var tp in reached.Keys) _partitions.Remove(tp);
        return reached;
    }

    /// <summary>Abandons the restore of a task revoked or lost meanwhile.</summary>
    public void Cancel(KafkaTask task)
    {
        var tps = _partitions.Where(kv => kv.Value.Task == task).Select(kv => kv.Key).ToList();
        foreach (var tp in tps) _partitions.Remove(tp);
        _remaining.Remove(task);
        var held = tps.Where(consumer.Assignment.Contains).ToList();
        if (held.Count > 0) consumer.IncrementalUnassign(held);
    }

    private void Finish(TopicPartition tp)
    {
        var p = _partitions[tp];
        if (!_remaining.TryGetValue(p.Task, out var todo) || !todo.Remove(tp)) return;
        consumer.IncrementalUnassign([tp]);
        listener?.OnRestoreEnd(p.Store.Name, tp.ToString(), p.Restored);
    }

    private sealed class Restoring(KafkaTask task, RestorableStore store, long from, long end)
    {
        public KafkaTask Task { get; } = task;

        public RestorableStore Store { get; } = store;

        public long End { get; } = end;

        public long Next { get; set; } = from;

        public long Restored { get; set; }
    }

    public void Dispose() => consumer.Dispose();
}
