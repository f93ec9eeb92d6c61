using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Braid.Kafka.Internal;

/// <summary>Topic administration through Confluent's AdminClient (real clusters).</summary>
internal sealed class AdminClientTopicAdmin : ITopicAdmin
{
    private readonly IAdminClient _admin;

    public AdminClientTopicAdmin(IEnumerable<KeyValuePair<string, string>> config)
    {
        _admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
    }

    public IReadOnlyDictionary<string, int> DescribeTopics(IEnumerable<string> topics, TimeSpan timeout) =>
        DescribeTopics(_admin, topics, timeout);

    /// <summary>Reads partition counts from cluster metadata; throws a clear error when no broker answers in time.</summary>
    public static IReadOnlyDictionary<string, int> DescribeTopics(IAdminClient admin, IEnumerable<string> topics, TimeSpan timeout)
    {
        Metadata md;
        try
        {
            md = admin.GetMetadata(timeout);
        }
        catch (KafkaException e)
        {
            throw new KafkaUnavailableException($"no broker answered a metadata request within {timeout.TotalSeconds:0.#} s ({e.Error.Reason}).", e);
        }
        var wanted = topics.ToHashSet(StringComparer.Ordinal);
        return md.Topics.Where(t => wanted.Contains(t.Topic) && t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);
    }

    public void CreateTopics(IReadOnlyCollection<TopicSpec> topics, TimeSpan timeout)
    {
        if (topics.Count == 0) return;
        var specs = topics.Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = -1, // the broker default
            Configs = t.Configs.ToDictionary(kv => kv.Key, kv => kv.Value),
        }).ToList();
        try
        {
            _admin.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout })
                .GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e)
        {
            var failed = e.Results.Where(r => r.Error.Code is not ErrorCode.NoError and not ErrorCode.TopicAlreadyExists).ToList();
            if (failed.Count > 0)
            {
                throw new StreamsException("could not create internal topics: " +
                    string.Join("; ", failed.Select(r => $"{r.Topic}: {r.Error.Reason}")), e);
            }
        }
    }

    public void Dispose() => _admin.Dispose();
}
