using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// Counts the records of a dead-letter topic for the dashboard, exactly and incrementally: a consumer assigned to every
/// partition from the start reads what is new at each call (a short, bounded drain) and adds it up. The offsets alone
/// (high − low watermark) would over-count under exactly-once, where each transaction leaves a marker offset in every
/// partition it wrote; a read_committed consumer never delivers markers or aborted records. Dead letters are rare, so
/// each call reads little. Null until the topic exists.
/// </summary>
internal sealed class DeadLetterCounter(string topic, Func<ITopicAdmin> admin, Func<IConsumer<byte[]?, byte[]?>> consumer, TimeSpan requestTimeout) : IDisposable
{
    private static readonly TimeSpan DrainBudget = TimeSpan.FromMilliseconds(200);
    private readonly object _lock = new();
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private long _count;
    private bool _disposed;

    public string Topic => topic;

    public long? Count()
    {
        lock (_lock)
        {
            if (_disposed) return null;
            if (_consumer is null)
            {
                using var a = admin();
                if (!a.DescribeTopics([topic], requestTimeout).TryGetValue(topic, out int partitions)) return null;
                _consumer = consumer();
                _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < DrainBudget)
            {
                var r = _consumer.Consume(TimeSpan.FromMilliseconds(20));
                if (r is null) break; // nothing more within the wait: caught up for now
                if (!r.IsPartitionEOF) _count++;
            }
            return _count;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _consumer?.Dispose();
            _consumer = null;
        }
    }
}
