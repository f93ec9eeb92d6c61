using System.Diagnostics;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Rebuilds the stores of newly assigned tasks from their changelog partitions up to the end of each
/// partition, before they process: from the local checkpoint for stores kept on disk, from the beginning
/// for stores in memory.
/// </summary>
internal sealed class StateRestorer(IConsumer<byte[]?, byte[]?> consumer, ILogger logger, TimeSpan timeout)
{
    private long _total;

    /// <summary>Changelog records applied since this instance started.</summary>
    public long TotalRestored => Interlocked.Read(ref _total);

    /// <summary>Restores the tasks' stores; returns, per changelog partition read, the next offset (the new checkpoint).</summary>
    /// <param name="tasks">The new tasks.</param>
    /// <param name="checkpoint">The local checkpoint (next offset to read) of a changelog partition, or null to read it all.</param>
    public Dictionary<TopicPartition, long> Restore(IReadOnlyCollection<KafkaTask> tasks, Func<TopicPartition, long?> checkpoint)
    {
        var stores = new Dictionary<TopicPartition, IRestorableStore>();
        foreach (var t in tasks)
        {
            foreach (var s in t.Restorable) stores[new TopicPartition(s.ChangelogTopic, t.Id.Partition)] = s;
        }
        var reached = new Dictionary<TopicPartition, long>();
        if (stores.Count == 0) return reached;
        var sw = Stopwatch.StartNew();
        var remaining = new HashSet<TopicPartition>();
        var high = new Dictionary<TopicPartition, long>();
        var start = new List<TopicPartitionOffset>();
        foreach (var tp in stores.Keys)
        {
            var wm = consumer.QueryWatermarkOffsets(tp, timeout);
            long from = Math.Max(checkpoint(tp) ?? wm.Low.Value, wm.Low.Value);
            reached[tp] = Math.Max(from, wm.Low.Value);
            high[tp] = wm.High.Value;
            if (wm.High.Value > from)
            {
                remaining.Add(tp);
                start.Add(new TopicPartitionOffset(tp, new Offset(from)));
            }
        }
        consumer.Assign(start);
        long restored = 0;
        while (remaining.Count > 0)
        {
            if (sw.Elapsed > timeout)
            {
                throw new StreamsException($"restoring [{string.Join(", ", remaining)}] did not finish within {timeout.TotalSeconds:0.#} s " +
                    "(RestoreTimeout); the changelog is unreachable or too large for the timeout.");
            }
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null)
            {
                // Transaction markers occupy offsets but are never delivered: the position is the reliable end test.
                remaining.RemoveWhere(tp => consumer.Position(tp) is var p && p != Offset.Unset && p.Value >= high[tp]);
                continue;
            }
            if (r.IsPartitionEOF)
            {
                remaining.Remove(r.TopicPartition);
                continue;
            }
            stores[r.TopicPartition].Restore(r.Message.Key!, r.Message.Value, r.Message.Timestamp.UnixTimestampMs);
            reached[r.TopicPartition] = r.Offset.Value + 1;
            restored++;
            if (restored % 10_000 == 0)
                logger.LogInformation("Restoring: {Count} changelog records applied, {Remaining} partitions to go.", restored, remaining.Count);
        }
        consumer.Unassign();
        Interlocked.Add(ref _total, restored);
        KafkaMetrics.RestoredRecords.Add(restored);
        KafkaMetrics.RestoredTasks.Add(tasks.Count);
        logger.LogInformation("Restored {Tasks} task(s): {Count} changelog records in {Ms} ms.", tasks.Count, restored, sw.ElapsedMilliseconds);
        return reached;
    }
}
