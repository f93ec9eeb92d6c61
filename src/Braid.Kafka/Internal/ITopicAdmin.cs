namespace Braid.Kafka.Internal;

/// <summary>What the application needs to create one internal topic.</summary>
internal sealed record TopicSpec(string Name, int Partitions, IReadOnlyDictionary<string, string> Configs);

/// <summary>
/// Topic administration behind a small seam: the AdminClient on a real cluster, P/Invoke on the mock
/// cluster (which has no CreateTopics API).
/// </summary>
internal interface ITopicAdmin : IDisposable
{
    /// <summary>Partition counts of the topics that exist (missing topics are absent from the result).</summary>
    IReadOnlyDictionary<string, int> DescribeTopics(IEnumerable<string> topics, TimeSpan timeout);

    /// <summary>Creates topics that do not exist yet; an existing topic is not an error.</summary>
    void CreateTopics(IReadOnlyCollection<TopicSpec> topics, TimeSpan timeout);
}
