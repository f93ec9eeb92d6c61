using Braid.Kafka.Internal;
using Braid.Kafka.Mock;
using Braid.Serialization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Braid.Kafka.Tests;

/// <summary>
/// The cluster a test runs against: a fresh librdkafka mock cluster (default), or the real cluster named by
/// BRAID_KAFKA_BOOTSTRAP. Topic names get a per-test prefix so runs on a shared real cluster do not collide.
/// </summary>
public sealed class KafkaTestCluster : IDisposable
{
    private readonly MockKafkaCluster? _mock;
    private readonly List<BraidKafkaApplication> _apps = new();

    public KafkaTestCluster()
    {
        var real = Environment.GetEnvironmentVariable("BRAID_KAFKA_BOOTSTRAP");
        if (string.IsNullOrWhiteSpace(real))
        {
            _mock = new MockKafkaCluster(3);
            BootstrapServers = _mock.BootstrapServers;
        }
        else
        {
            BootstrapServers = real;
        }
        Prefix = "t" + Guid.NewGuid().ToString("N")[..6] + "-";
    }

    public string BootstrapServers { get; }

    public bool IsMock => _mock is not null;

    internal MockKafkaCluster Mock => _mock ?? throw new InvalidOperationException("fault injection needs the mock cluster.");

    /// <summary>Prefix for topic names and application ids of this test.</summary>
    public string Prefix { get; }

    public void CreateTopic(string topic, int partitions)
    {
        if (_mock is not null)
        {
            _mock.CreateTopic(topic, partitions);
            return;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler(Quiet).Build();
        admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }]).GetAwaiter().GetResult();
    }

    /// <summary>Deletes a topic and creates it again, empty, with <paramref name="partitions"/> partitions.</summary>
    public void RecreateTopic(string topic, int partitions)
    {
        if (_mock is not null)
        {
            // Between the delete and the create a running client's metadata request may auto-create the topic (the mock's
            // default: 4 partitions); the create then fails with TOPIC_ALREADY_EXISTS (36). Delete it again and retry (a
            // stress run of the grow-the-task-topic test hit this in 1 of 4 rounds).
            for (int attempt = 1; ; attempt++)
            {
                _mock.DeleteTopic(topic);
                try
                {
                    _mock.CreateTopic(topic, partitions);
                    return;
                }
                catch (InvalidOperationException) when (attempt < 50)
                {
                }
            }
        }
        using var admin = RealAdmin();
        admin.DeleteTopicsAsync([topic]).GetAwaiter().GetResult();
        // Deletion completes asynchronously on the brokers: retry the creation until the old topic is gone.
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; Thread.Sleep(500))
        {
            try
            {
                admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }]).GetAwaiter().GetResult();
                return;
            }
            catch (CreateTopicsException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>Grows a topic to <paramref name="total"/> partitions. The mock cannot grow a topic: there it is deleted and
    /// re-created with the new count, so its records are lost (the tests using this only look at the partition count).</summary>
    public void AddPartitions(string topic, int total)
    {
        if (_mock is not null)
        {
            RecreateTopic(topic, total);
            return;
        }
        using var admin = RealAdmin();
        admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = total }]).GetAwaiter().GetResult();
    }

    /// <summary>Moves a partition's log start to <paramref name="beforeOffset"/> (DeleteRecords), as retention or compaction may.</summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        if (_mock is not null)
        {
            _mock.DeleteRecords(topic, partition, beforeOffset);
            return;
        }
        using var admin = RealAdmin();
        admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, partition, beforeOffset)]).GetAwaiter().GetResult();
    }

    private IAdminClient RealAdmin() =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler(Quiet).Build();

    internal ITopicAdmin Admin(KafkaStreamsOptions options) =>
        _mock is not null ? new MockTopicAdmin(_mock) : new AdminClientTopicAdmin(new Dictionary<string, string> { ["bootstrap.servers"] = options.BootstrapServers });

    public KafkaStreamsOptions Options(string? server = null, ProcessingGuarantee guarantee = ProcessingGuarantee.AtLeastOnce) => new()
    {
        BootstrapServers = BootstrapServers,
        ApplicationServer = server,
        ProcessingGuarantee = guarantee,
        CommitInterval = TimeSpan.FromMilliseconds(100),
        RequestTimeout = TimeSpan.FromSeconds(15),
        RestoreTimeout = TimeSpan.FromSeconds(30),
        // The mock waits session.timeout.ms − 1 s before completing a rebalance: keep it small.
        ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "2000", ["heartbeat.interval.ms"] = "200" },
    };

    internal BraidKafkaApplication App(Topology topology, string appId, KafkaStreamsOptions? options = null, string? server = null,
        Func<StreamsConfig, StreamsConfig>? configure = null, Func<ITopicAdmin, ITopicAdmin>? admin = null)
    {
        var config = new StreamsConfig { ApplicationId = Prefix + appId };
        if (configure is not null) config = configure(config);
        if (FileLoggerFactory.FromEnvironment() is { } logs) config = config with { LoggerFactory = logs };
        var app = new BraidKafkaApplication(topology, config, options ?? Options(server), o => admin is null ? Admin(o) : admin(Admin(o)));
        _apps.Add(app);
        return app;
    }

    public void Produce<TK, TV>(string topic, Serde<TK> ks, Serde<TV> vs, IEnumerable<(TK Key, TV? Value, long Ts)> records)
    {
        using var p = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = BootstrapServers, Partitioner = Partitioner.Murmur2Random, LingerMs = 2 }).SetLogHandler(Quiet).Build();
        foreach (var (k, v, ts) in records)
        {
            p.Produce(topic, new Message<byte[]?, byte[]?>
            {
                Key = ks.Serialize(k), Value = v is null ? null : vs.Serialize(v), Timestamp = new Timestamp(ts, TimestampType.CreateTime),
            });
        }
        if (p.Flush(TimeSpan.FromSeconds(20)) > 0) throw new TimeoutException("test producer could not deliver.");
    }

    /// <summary>Everything in a topic right now (all partitions, from the beginning to the current end).</summary>
    public List<(TK Key, TV? Value)> ReadAll<TK, TV>(string topic, Serde<TK> ks, Serde<TV> vs)
    {
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers, GroupId = Prefix + "reader", EnableAutoCommit = false, EnablePartitionEof = true,
        }).SetLogHandler(Quiet).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler(Quiet).Build();
        var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var tps = md.Topics[0].Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var remaining = tps.Where(tp => c.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)) is var w && w.High > w.Low).ToHashSet();
        c.Assign(remaining.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var result = new List<(TK, TV?)>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (remaining.Count > 0 && DateTime.UtcNow < deadline)
        {
            var r = c.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF) remaining.Remove(r.TopicPartition);
            else result.Add((ks.Deserialize(r.Message.Key), r.Message.Value is null ? default : vs.Deserialize(r.Message.Value)));
        }
        return result;
    }

    /// <summary>The offsets the application's group has committed for a topic's partitions (Offset.Unset where none).</summary>
    public List<Offset> Committed(string applicationId, string topic, int partitions)
    {
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = Prefix + applicationId })
            .SetLogHandler(Quiet).Build();
        return c.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10))
            .OrderBy(o => o.Partition.Value).Select(o => o.Offset).ToList();
    }

    /// <summary>The end (high watermark) of each partition of a topic.</summary>
    public List<long> EndOffsets(string topic, int partitions)
    {
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = Prefix + "probe" })
            .SetLogHandler(Quiet).Build();
        return Enumerable.Range(0, partitions).Select(p => c.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToList();
    }

    /// <summary>Latest value per key (a table read from its output topic; a null value deletes).</summary>
    public Dictionary<TK, TV> ReadTable<TK, TV>(string topic, Serde<TK> ks, Serde<TV> vs) where TK : notnull
    {
        var map = new Dictionary<TK, TV>();
        foreach (var (k, v) in ReadAll(topic, ks, vs))
        {
            if (v is null) map.Remove(k);
            else map[k] = v;
        }
        return map;
    }

    // librdkafka would print connection errors to stderr (the broker down/up test causes them on purpose).
    private static void Quiet<T>(T client, LogMessage message) { }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for: " + what);
            await Task.Delay(25);
        }
    }

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            try
            {
                app.CloseAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // already failed or killed: nothing left to close
            }
        }
        _mock?.Dispose();
    }
}
