using Confluent.Kafka;

namespace Braid.Kafka.FailoverHarness;

/// <summary>Reads a whole output topic (every partition, beginning to the current end).</summary>
public static class OutputReader
{
    /// <summary>The records, or null when some partition's end was not reached within the deadline (a loaded machine): a partial
    /// read would show the unread tail as lost inputs.</summary>
    public static List<(byte[] Key, byte[]? Value)>? ReadAll(string bootstrap, string topic, TimeSpan? deadline = null)
    {
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "harness-reader", EnableAutoCommit = false, EnablePartitionEof = true,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var remaining = md.Topics[0].Partitions.Select(p => new TopicPartition(topic, p.PartitionId))
            .Where(tp => c.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)) is var w && w.High > w.Low).ToHashSet();
        c.Assign(remaining.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var result = new List<(byte[], byte[]?)>();
        var until = System.Diagnostics.Stopwatch.StartNew();
        while (remaining.Count > 0 && until.Elapsed < (deadline ?? TimeSpan.FromSeconds(90)))
        {
            var r = c.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF) remaining.Remove(r.TopicPartition);
            else result.Add((r.Message.Key!, r.Message.Value));
        }
        return remaining.Count == 0 ? result : null;
    }
}
