using Braid.Internal;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The input source of the running tasks: one hand-assigned consumer for every input partition of this instance's
/// tasks (the group member only holds the task topic). Its poll hands records to their task's partition group and
/// tells the task which inputs are at their end (end-of-partition events: Kafka's fetched lag = 0, which
/// <c>max.task.idle.ms</c> needs). Records fetched for a task revoked meanwhile are dropped: their new owner reads
/// them from the committed offset.
/// </summary>
internal sealed class InputFetcher(IConsumer<byte[]?, byte[]?> consumer, TopicLayout layout, ILogger logger) : IDisposable
{
    private readonly Dictionary<TopicPartition, (KafkaTask Task, int Input)> _owners = new();
    private readonly Dictionary<KafkaTask, List<RawRecord>[]> _batch = new();

    public bool HasPartitions => _owners.Count > 0;

    public IEnumerable<TopicPartition> Partitions => _owners.Keys;

    /// <summary>Starts fetching a task's inputs at <paramref name="start"/>; partitions still assigned (a rebuilt task) are rewound.</summary>
    public void Add(KafkaTask task, IReadOnlyDictionary<TopicPartition, long> start)
    {
        for (int i = 0; i < task.Inputs.Count; i++) _owners[task.Inputs[i]] = (task, i);
        // An unassign immediately followed by an assign of the same partition can leave it unfetched: seek instead.
        var assigned = consumer.Assignment.ToHashSet();
        var offsets = task.Inputs.Select(tp => new TopicPartitionOffset(tp, new Offset(start[tp]))).ToList();
        foreach (var o in offsets.Where(o => assigned.Contains(o.TopicPartition))) consumer.Seek(o);
        consumer.IncrementalAssign(offsets.Where(o => !assigned.Contains(o.TopicPartition)));
        // A rewound partition already at its end may not report its end again: use the cached end offset.
        for (int i = 0; i < task.Inputs.Count; i++)
        {
            var wm = consumer.GetWatermarkOffsets(task.Inputs[i]);
            if (wm.High != Offset.Unset && start[task.Inputs[i]] >= wm.High.Value) task.SetAtEnd(i, true);
        }
    }

    /// <summary>Stops routing a task's records; <paramref name="keepAssigned"/> keeps fetching them (the task is rebuilt at once).</summary>
    public void Remove(KafkaTask task, bool keepAssigned)
    {
        foreach (var tp in task.Inputs) _owners.Remove(tp);
        if (!keepAssigned) Unassign(task.Inputs);
    }

    /// <summary>Stops fetching partitions (of a task dropped before it ran).</summary>
    public void Unassign(IEnumerable<TopicPartition> partitions)
    {
        var held = partitions.Where(consumer.Assignment.Contains).ToList();
        if (held.Count > 0) consumer.IncrementalUnassign(held);
    }

    /// <summary>Fetches up to <paramref name="max"/> records (waiting up to <paramref name="waitMs"/> for the first) into their tasks.</summary>
    public int Poll(int waitMs, int max)
    {
        if (_owners.Count == 0)
        {
            Thread.Sleep(waitMs);
            return 0;
        }
        int n = 0;
        for (int i = 0; i < max; i++)
        {
            ConsumeResult<byte[]?, byte[]?>? r;
            try
            {
                r = consumer.Consume(i == 0 ? TimeSpan.FromMilliseconds(waitMs) : TimeSpan.Zero);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                logger.LogWarning("Input poll: {Reason}", e.Error.Reason);
                break;
            }
            if (r is null) break;
            if (!_owners.TryGetValue(r.TopicPartition, out var owner)) continue; // fetched just before its task was revoked
            if (r.IsPartitionEOF)
            {
                owner.Task.SetAtEnd(owner.Input, true);
                continue;
            }
            owner.Task.SetAtEnd(owner.Input, false);
            if (!_batch.TryGetValue(owner.Task, out var lists))
                _batch[owner.Task] = lists = owner.Task.Inputs.Select(_ => new List<RawRecord>()).ToArray();
            var m = r.Message;
            lists[owner.Input].Add(new RawRecord(layout.ModelName(r.Topic), r.Partition.Value, r.Offset.Value, m.Key, m.Value,
                m.Timestamp.UnixTimestampMs, KafkaConvert.ToBraid(m.Headers)));
            n++;
        }
        foreach (var (task, lists) in _batch)
        {
            for (int i = 0; i < lists.Length; i++)
            {
                if (lists[i].Count == 0) continue;
                task.Runtime.AddRecords(i, lists[i]);
                lists[i] = new List<RawRecord>();
            }
        }
        _batch.Clear();
        return n;
    }

    /// <summary>Records in the owned input partitions not fetched yet (from the consumer's cached watermarks).</summary>
    public long Lag()
    {
        long lag = 0;
        foreach (var tp in _owners.Keys)
        {
            var wm = consumer.GetWatermarkOffsets(tp);
            var pos = consumer.Position(tp);
            if (wm.High != Offset.Unset && pos != Offset.Unset) lag += Math.Max(0, wm.High.Value - pos.Value);
        }
        return lag;
    }

    /// <summary>
    /// Records of an owned input not processed yet (the dashboard's lag per input partition): not fetched (the cached high
    /// watermark minus the fetch position, which is past transaction markers, so an idle transactional partition reads 0)
    /// plus fetched but still buffered in the task. Before the first fetch: the high watermark minus the task's position.
    /// </summary>
    public long LagOf(TopicPartition tp, long consumed, int buffered)
    {
        var wm = consumer.GetWatermarkOffsets(tp);
        if (wm.High == Offset.Unset) return buffered;
        var pos = consumer.Position(tp);
        return pos == Offset.Unset ? Math.Max(0, wm.High.Value - consumed) : Math.Max(0, wm.High.Value - pos.Value) + buffered;
    }

    /// <summary>The first offset of a partition (where reading starts when nothing is committed: auto.offset.reset=earliest).</summary>
    public long FirstOffset(TopicPartition tp, TimeSpan timeout) => consumer.QueryWatermarkOffsets(tp, timeout).Low.Value;

    public void Dispose() => consumer.Dispose();
}
