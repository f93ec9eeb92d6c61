using Braid.Kafka.Internal;
using Confluent.Kafka;

namespace Braid.Kafka.Mock;

/// <summary>
/// Topic administration on the mock cluster: metadata through a normal AdminClient, creation through
/// P/Invoke. Topic configs (cleanup.policy, retention) are ignored: the mock has no compaction.
/// </summary>
internal sealed class MockTopicAdmin : ITopicAdmin
{
    private readonly MockKafkaCluster _cluster;
    private readonly IAdminClient _admin;

    public MockTopicAdmin(MockKafkaCluster cluster)
    {
        _cluster = cluster;
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers })
            .SetLogHandler((_, _) => { }).Build();
    }

    public IReadOnlyDictionary<string, int> DescribeTopics(IEnumerable<string> topics, TimeSpan timeout) =>
        AdminClientTopicAdmin.DescribeTopics(_admin, topics, timeout);

    public void CreateTopics(IReadOnlyCollection<TopicSpec> topics, TimeSpan timeout)
    {
        var existing = DescribeTopics(topics.Select(t => t.Name), timeout);
        foreach (var t in topics.Where(t => !existing.ContainsKey(t.Name))) _cluster.CreateTopic(t.Name, t.Partitions);
    }

    public void Dispose() => _admin.Dispose();
}
