using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Builds the Confluent clients of one instance from the options: the user's librdkafka settings first,
/// then the settings Braid owns (group, commit mode, isolation, partitioner, transactions).
/// </summary>
internal sealed class KafkaClients(KafkaStreamsOptions options, string applicationId, string instanceId, ILogger logger)
{
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
        Action<IConsumer<byte[]?, byte[]?>, List<TopicPartitionOffset>> revoked, Action<IConsumer<byte[]?, byte[]?>, List<TopicPartitionOffset>> lost)
    {
        var c = Base();
        c["group.id"] = applicationId;
        c["partition.assignment.strategy"] = "cooperative-sticky";
        c["enable.auto.commit"] = "false";
        c["auto.offset.reset"] = "earliest";
        return Logged(new ConsumerBuilder<byte[]?, byte[]?>(c))
            .SetPartitionsAssignedHandler(assigned)
            .SetPartitionsRevokedHandler(revoked)
            .SetPartitionsLostHandler(lost)
            .Build();
    }

    /// <summary>A consumer that never joins a group: partitions are assigned by hand (input, restore, global, directory).</summary>
    public IConsumer<byte[]?, byte[]?> AssignedConsumer(string role, bool partitionEof)
    {
        var c = Base();
        c["group.id"] = applicationId + "-braid-" + role; // required by librdkafka, never joined nor committed to
        c["client.id"] = applicationId + "-" + instanceId + "-" + role;
        c["enable.auto.commit"] = "false";
        c["enable.auto.offset.store"] = "false";
        c["auto.offset.reset"] = "earliest";
        c["isolation.level"] = ExactlyOnce ? "read_committed" : "read_uncommitted";
        c["enable.partition.eof"] = partitionEof ? "true" : "false";
        return Logged(new ConsumerBuilder<byte[]?, byte[]?>(c)).Build();
    }

    /// <summary>The stream thread's producer: transactional under exactly-once v2 (one per thread), idempotent otherwise.</summary>
    public IProducer<byte[]?, byte[]?> Producer(int generation)
    {
        var c = Base();
        // Kafka's default key→partition mapping (Java murmur2), so Braid and Java producers agree on co-partitioning.
        c["partitioner"] = "murmur2_random";
        c.TryAdd("linger.ms", "5");
        c["enable.idempotence"] = "true";
        if (ExactlyOnce) c["transactional.id"] = applicationId + "-" + instanceId + "-0";
        c["client.id"] = applicationId + "-" + instanceId + "-producer-" + generation;
        return new ProducerBuilder<byte[]?, byte[]?>(c)
            .SetLogHandler((_, m) => Log(m))
            .SetErrorHandler((_, e) => logger.LogWarning("Producer: {Reason} (fatal: {Fatal})", e.Reason, e.IsFatal))
            .Build();
    }

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
