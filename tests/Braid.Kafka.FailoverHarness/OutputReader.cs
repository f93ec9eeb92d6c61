using Confluent.Kafka;

namespace Braid.Kafka.FailoverHarness;

/// <summary>Reads a whole output topic (every partition, beginning to the current end).</summary>
public static class OutputReader
{
    public static List<(byte[] Key, byte[]? Value)> ReadAll(string bootstrap, string topic)
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
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (remaining.Count > 0 && DateTime.UtcNow < deadline)
        {
            var r = c.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF) remaining.Remove(r.TopicPartition);
            else result.Add((r.Message.Key!, r.Message.Value));
        }
        return result;
    }
}
