using Braid.Kafka.Mock;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Kafka.Tests.HostEquivalence;

/// <summary>
/// The Kafka host on a fresh librdkafka mock cluster (exactly-once) as an equivalence leg: every topic is created
/// with the case's partition count, the whole input is produced first (murmur2 of the key, in timestamp order per
/// partition — a backlog, as the other legs see it), the application runs until it has no lag and processed nothing
/// new for a while, closes (committing), and the outputs are read with read_committed in partition order.
/// Always the mock: the cases use fixed topic names, which a shared real cluster would mix between runs.
/// </summary>
public sealed class KafkaLeg : IHostLeg
{
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

    public string Name => "kafka";

    public IReadOnlyList<HostOutput> Run(Topology topology, StreamsConfig config, int partitions, IReadOnlyList<CaseRecord> input, IReadOnlyList<string> outputs)
    {
        using var mock = new MockKafkaCluster(3);
        foreach (var topic in input.Select(r => r.Topic).Concat(outputs).Distinct()) mock.CreateTopic(topic, partitions);
        Produce(mock.BootstrapServers, input);
        var options = new KafkaStreamsOptions
        {
            BootstrapServers = mock.BootstrapServers,
            ProcessingGuarantee = ProcessingGuarantee.ExactlyOnce,
            CommitInterval = TimeSpan.FromMilliseconds(100),
            RequestTimeout = TimeSpan.FromSeconds(15),
            RestoreTimeout = TimeSpan.FromSeconds(30),
            ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "2000", ["heartbeat.interval.ms"] = "200" },
        };
        var app = new BraidKafkaApplication(topology, config, options, _ => new MockTopicAdmin(mock));
        try
        {
            app.StartAsync().Wait();
            WaitUntilSettled(app, input.Count);
        }
        finally
        {
            app.CloseAsync(TimeSpan.FromSeconds(30)).Wait();
        }
        if (app.Error is { } error) throw new InvalidOperationException("the Kafka leg failed", error);
        return ReadCommitted(mock.BootstrapServers, outputs, partitions);
    }

    private static void Produce(string bootstrap, IReadOnlyList<CaseRecord> input)
    {
        using var p = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrap, Partitioner = Partitioner.Murmur2Random, EnableIdempotence = true, LingerMs = 2,
        }).SetLogHandler((_, _) => { }).Build();
        foreach (var r in input)
        {
            p.Produce(r.Topic, new Message<byte[]?, byte[]?>
            {
                Key = Serdes.String.Serialize(r.Key), Value = r.Value is null ? null : Serdes.String.Serialize(r.Value),
                Timestamp = new Timestamp(r.Timestamp, TimestampType.CreateTime),
            });
        }
        if (p.Flush(TimeSpan.FromSeconds(30)) > 0) throw new TimeoutException("the Kafka leg could not produce its input.");
    }

    /// <summary>Waits until every input record was processed, the lag is zero, and nothing new was processed for
    /// <see cref="Settled"/> (internal topics — repartition, foreign-key subscriptions and responses — drain after the inputs).</summary>
    private static void WaitUntilSettled(BraidKafkaApplication app, int inputs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long last = -1;
        var since = DateTime.UtcNow;
        while (true)
        {
            if (app.Error is not null || app.State is StreamsState.Error or StreamsState.NotRunning) return;
            long processed = app.ProcessedRecords;
            if (processed != last || app.ConsumerLag > 0 || processed < inputs || app.State != StreamsState.Running)
            {
                last = processed;
                since = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - since >= Settled)
            {
                return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the Kafka leg did not settle: processed {processed} of at least {inputs}, lag {app.ConsumerLag}, state {app.State}.");
            Thread.Sleep(50);
        }
    }

    private static List<HostOutput> ReadCommitted(string bootstrap, IReadOnlyList<string> outputs, int partitions)
    {
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "equivalence-reader", EnableAutoCommit = false, EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).SetLogHandler((_, _) => { }).Build();
        var result = new List<HostOutput>();
        foreach (var topic in outputs)
        {
            for (int partition = 0; partition < partitions; partition++)
            {
                var tp = new TopicPartition(topic, partition);
                var marks = c.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
                if (marks.High.Value > marks.Low.Value) result.AddRange(ReadPartition(c, tp));
            }
        }
        return result;
    }

    private static IEnumerable<HostOutput> ReadPartition(IConsumer<byte[]?, byte[]?> c, TopicPartition tp)
    {
        c.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var records = new List<HostOutput>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var r = c.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF) break;
            records.Add(new HostOutput(tp.Topic, tp.Partition.Value, r.Message.Key is null ? null : Serdes.String.Deserialize(r.Message.Key),
                r.Message.Value is null ? null : Serdes.String.Deserialize(r.Message.Value), r.Message.Timestamp.UnixTimestampMs));
        }
        c.Unassign();
        return records;
    }
}
