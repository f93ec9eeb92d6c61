using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Builds the Confluent clients of one instance from the options: the user's librdkafka settings first,
/// then the settings Braid owns (group, commit mode, isolation, partitioner, transactions).
/// </summary>
internal sealed class KafkaClients(KafkaStreamsOptions options, string applicationId, string instanceId, ILogger logger, int thread = 0)
{
    /// <summary>The same clients for stream thread <paramref name="index"/> of this instance (own group member, own producer).</summary>
    public KafkaClients ForThread(int index) => new(options, applicationId, instanceId, logger, index);

    // Thread 0 keeps the names a single-threaded instance always had (its transactional id fences an older version's producer).
    private string ThreadSuffix => thread == 0 ? "" : "-t" + thread;

    private bool ExactlyOnce => options.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce;

    public Dictionary<string, string> Base()
    {
        var c = new Dictionary<string, string>(options.ClientSettings, StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = options.BootstrapServers,
        };
        c.TryAdd("client.id", applicationId + "-" + instanceId);
        return c;
    }

    /// <summary>The group member: its assignment of the task topic is this instance's task assignment.</summary>
    public IConsumer<byte[]?, byte[]?> GroupConsumer(Action<IConsumer<byte[]?, byte[]?>, List<TopicPartition>> assigned,
        Action<IConsumer<byte[]?, byte[]?>, List<TopicPartitionOffset>> revoked, Action<IConsumer<byte[]?, byte[]?>, List<TopicPartitionOffset>> lost,
        Action<string> statistics)
    {
        var c = Base();
        c["group.id"] = applicationId;
        c["partition.assignment.strategy"] = "cooperative-sticky";
        c["enable.auto.commit"] = "false";
        c["auto.offset.reset"] = "earliest";
        // Its committed-offset fetches wait for pending transactional offsets (require_stable, KIP-447).
        c["isolation.level"] = "read_committed";
        c["statistics.interval.ms"] = RebalanceTracker.StatisticsIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Logged(new ConsumerBuilder<byte[]?, byte[]?>(c))
            .SetPartitionsAssignedHandler(assigned)
            .SetPartitionsRevokedHandler(revoked)
            .SetPartitionsLostHandler(lost)
            .SetStatisticsHandler((_, json) => statistics(json))
            .Build();
    }

    /// <summary>A consumer that never joins a group: partitions are assigned by hand (input, restore, global, directory).</summary>
    public IConsumer<byte[]?, byte[]?> AssignedConsumer(string role, bool partitionEof)
    {
        var c = Base();
        c["group.id"] = applicationId + "-braid-" + role; // required by librdkafka, never joined nor committed to
        c["client.id"] = applicationId + "-" + instanceId + ThreadSuffix + "-" + role;
        c["enable.auto.commit"] = "false";
        c["enable.auto.offset.store"] = "false";
        c["auto.offset.reset"] = "earliest";
        c["isolation.level"] = ExactlyOnce ? "read_committed" : "read_uncommitted";
        c["enable.partition.eof"] = partitionEof ? "true" : "false";
        return Logged(new ConsumerBuilder<byte[]?, byte[]?>(c)).Build();
    }

    /// <summary>The stream thread's producer: transactional under exactly-once v2 (one per thread), idempotent otherwise.</summary>
    public IProducer<byte[]?, byte[]?> Producer(int generation) =>
        new ProducerBuilder<byte[]?, byte[]?>(ProducerSettings(generation))
            .SetLogHandler((_, m) => Log(m))
            .SetErrorHandler((_, e) => logger.LogWarning("Producer: {Reason} (fatal: {Fatal})", e.Reason, e.IsFatal))
            .Build();

    /// <summary>The stream thread producer's settings.</summary>
    public Dictionary<string, string> ProducerSettings(int generation)
    {
        var c = Base();
        // Kafka's default key→partition mapping (Java murmur2), so Braid and Java producers agree on co-partitioning.
        c["partitioner"] = "murmur2_random";
        c.TryAdd("linger.ms", "5");
        c["enable.idempotence"] = "true";
        if (ExactlyOnce)
        {
            // Stable per instance (BraidKafkaApplication.InstanceId): a restarted instance fences its predecessor.
            // One per stream thread (Kafka Streams' StreamsProducer under EOS v2: "<app>-<process>-<thread index>"): thread
            // indexes are reused after a thread is removed, so a re-added thread fences the removed one's producer.
            c["transactional.id"] = applicationId + "-" + instanceId + "-" + thread.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // As Kafka Streams (StreamsConfig DEFAULT_TRANSACTION_TIMEOUT = 10 s, instead of the client's 60 s): a crashed
            // instance's open transaction is aborted by the coordinator before the group's session timeout (45 s by
            // default) hands its tasks to a successor, whose committed-offset fetch would otherwise wait on it.
            c.TryAdd("transaction.timeout.ms", DefaultTransactionTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        c["client.id"] = applicationId + "-" + instanceId + ThreadSuffix + "-producer-" + generation;
        return c;
    }

    /// <summary>Kafka Streams' default <c>transaction.timeout.ms</c> under exactly-once.</summary>
    public const int DefaultTransactionTimeoutMs = 10_000;

    /// <summary>A plain producer for instance announcements (outside transactions, so they are visible at once).</summary>
    public IProducer<byte[]?, byte[]?> PlainProducer()
    {
        var c = Base();
        c["client.id"] = applicationId + "-" + instanceId + "-directory";
        return new ProducerBuilder<byte[]?, byte[]?>(c).SetLogHandler((_, m) => Log(m)).Build();
    }

    private ConsumerBuilder<byte[]?, byte[]?> Logged(ConsumerBuilder<byte[]?, byte[]?> b) =>
        b.SetLogHandler((_, m) => Log(m))
         .SetErrorHandler((_, e) => logger.LogWarning("Consumer: {Reason} (fatal: {Fatal})", e.Reason, e.IsFatal));

    private void Log(LogMessage m)
    {
        // The user's settings go to every client, so consumer-only settings on producers (CONFWARN) are expected.
        var level = m.Facility == "CONFWARN" ? LogLevel.Debug
            : m.Level <= SyslogLevel.Error ? LogLevel.Error : m.Level == SyslogLevel.Warning ? LogLevel.Warning : LogLevel.Debug;
        if (logger.IsEnabled(level)) logger.Log(level, "librdkafka {Facility}: {Message}", m.Facility, m.Message);
    }
}
