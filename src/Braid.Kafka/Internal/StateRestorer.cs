using System.Diagnostics;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Rebuilds the stores of newly assigned tasks from their changelog partitions, from the beginning (stores
/// are in memory, so there is no local checkpoint), up to the end of each partition, before they process.
/// </summary>
internal sealed class StateRestorer(IConsumer<byte[]?, byte[]?> consumer, ILogger logger, TimeSpan timeout)
{
    private long _total;

    /// <summary>Changelog records applied since this instance started.</summary>
    public long TotalRestored => Interlocked.Read(ref _total);

    public void Restore(IReadOnlyCollection<KafkaTask> tasks)
    {
        var stores = new Dictionary<TopicPartition, IRestorableStore>();
        foreach (var t in tasks)
        {
            foreach (var s in t.Restorable) stores[new TopicPartition(s.ChangelogTopic, t.Id.Partition)] = s;
        }
        if (stores.Count == 0) return;
        var sw = Stopwatch.StartNew();
        var remaining = new HashSet<TopicPartition>();
        foreach (var tp in stores.Keys)
        {
            var wm = consumer.QueryWatermarkOffsets(tp, timeout);
            if (wm.High > wm.Low) remaining.Add(tp);
        }
        consumer.Assign(remaining.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        long restored = 0;
        while (remaining.Count > 0)
        {
            if (sw.Elapsed > timeout)
            {
                throw new StreamsException($"restoring [{string.Join(", ", remaining)}] did not finish within {timeout.TotalSeconds:0.#} s " +
                    "(RestoreTimeout); the changelog is unreachable or too large for the timeout.");
            }
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF)
            {
                remaining.Remove(r.TopicPartition);
                continue;
            }
            stores[r.TopicPartition].Restore(r.Message.Key!, r.Message.Value, r.Message.Timestamp.UnixTimestampMs);
            restored++;
            if (restored % 10_000 == 0)
                logger.LogInformation("Restoring: {Count} changelog records applied, {Remaining} partitions to go.", restored, remaining.Count);
        }
        consumer.Unassign();
        Interlocked.Add(ref _total, restored);
        KafkaMetrics.RestoredRecords.Add(restored);
        KafkaMetrics.RestoredTasks.Add(tasks.Count);
        logger.LogInformation("Restored {Tasks} task(s): {Count} changelog records in {Ms} ms.", tasks.Count, restored, sw.ElapsedMilliseconds);
    }
}
