using System.Diagnostics;
using Braid.Internal;
using Braid.Internal.State;
using Braid.State;
using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// Keeps the global stores (GlobalKTables) of this instance: reads every partition of the global topics,
/// first to their end (bootstrap, before any task processes), then continuously between task records.
/// Every instance runs one, so every instance has the whole table.
/// </summary>
internal sealed class GlobalStateUpdater : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly StreamTask _task;
    private readonly TopicLayout _layout;

    public GlobalStateUpdater(TopologyModel model, StreamsConfig config, TopicLayout layout, IConsumer<byte[]?, byte[]?> consumer,
        IReadOnlyDictionary<string, int> partitions)
    {
        _layout = layout;
        _consumer = consumer;
        _task = model.CreateGlobalTask(config, () => config.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), StorePolicy.AllInMemory)
            ?? throw new InvalidOperationException("the topology has no global part.");
        _task.Initialize();
        var tps = layout.GlobalTopics.SelectMany(t => Enumerable.Range(0, partitions[t]).Select(p => new TopicPartition(t, p))).ToList();
        _consumer.Assign(tps.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        Partitions = tps;
    }

    public IReadOnlyList<TopicPartition> Partitions { get; }

    public IReadOnlyDictionary<string, IStateStore> Stores => _task.Stores;

    /// <summary>Reads every global partition up to its current end.</summary>
    public void Bootstrap(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var remaining = Partitions.Where(tp =>
        {
            var wm = _consumer.QueryWatermarkOffsets(tp, timeout);
            return wm.High > wm.Low;
        }).ToHashSet();
        while (remaining.Count > 0)
        {
            if (sw.Elapsed > timeout)
                throw new StreamsException($"bootstrapping global tables from [{string.Join(", ", remaining)}] did not finish within {timeout.TotalSeconds:0.#} s.");
            var r = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF) remaining.Remove(r.TopicPartition);
            else Apply(r);
        }
    }

    /// <summary>Applies what has arrived since the last call (at most <paramref name="max"/> records), without waiting.</summary>
    public int Poll(int max)
    {
        int n = 0;
        while (n < max)
        {
            var r = _consumer.Consume(TimeSpan.Zero);
            if (r is null) break;
            if (r.IsPartitionEOF) continue;
            Apply(r);
            n++;
        }
        return n;
    }

    private void Apply(ConsumeResult<byte[]?, byte[]?> r)
    {
        var m = r.Message;
        _task.Process(new RawRecord(_layout.ModelName(r.Topic), r.Partition.Value, r.Offset.Value, m.Key, m.Value,
            m.Timestamp.UnixTimestampMs, KafkaConvert.ToBraid(m.Headers)));
    }

    public void Dispose()
    {
        _task.Close();
        _consumer.Dispose();
    }
}
