using System.Collections.Concurrent;
using Braid.Internal;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The thread's producer and everything sent through it: sink output and changelog writes (Kafka's
/// <c>RecordCollectorImpl</c> + <c>StreamsProducer</c>). A record the client refuses at once (larger than
/// <c>message.max.bytes</c>, unknown partition) throws to the sink, whose production exception handler decides
/// (KIP-1033: Fail names node, source topic, partition and offset). A record the broker refuses after it left is
/// remembered with its topic, partition and size: a permanent refusal fails the thread with that error
/// (replacing the producer would only fail again, forever), a transient one makes the committer rebuild.
/// </summary>
internal sealed class KafkaRecordCollector(KafkaClients clients, TopicLayout layout, bool exactlyOnce, TimeSpan requestTimeout, bool trackChangelogEnds)
    : IRecordCollector, IChangelogSink, IDisposable
{
    private int _generation;
    private volatile DeliveryFailure? _failure;
    // Next offset of each changelog partition written (from delivery reports, on librdkafka's thread).
    private readonly ConcurrentDictionary<TopicPartition, long> _changelogEnds = new();

    public IProducer<byte[]?, byte[]?> Producer { get; private set; } = null!;

    /// <summary>Whether the open transaction (or, at-least-once, the unflushed output) holds any record.</summary>
    public bool HasWrites { get; private set; }

    /// <summary>The first delivery the broker refused since the last reset, if any.</summary>
    public DeliveryFailure? Failure => _failure;

    public IReadOnlyDictionary<TopicPartition, long> ChangelogEnds => _changelogEnds;

    /// <summary>Creates (or replaces) the producer; under exactly-once, fences older producers of this id and opens a transaction.</summary>
    public void Open()
    {
        Producer?.Dispose();
        Producer = clients.Producer(_generation++);
        if (exactlyOnce)
        {
            try
            {
                Producer.InitTransactions(requestTimeout);
            }
            catch (KafkaException e)
            {
                throw new KafkaUnavailableException($"could not initialise the transactional producer within {requestTimeout.TotalSeconds:0.#} s ({e.Error.Reason}).", e);
            }
            Producer.BeginTransaction();
        }
        ResetWrites();
    }

    public void ResetWrites()
    {
        _failure = null;
        HasWrites = false;
    }

    /// <summary>Changelog ends learnt by restoring replace older ones (ends seen before a revocation are stale).</summary>
    public void SetChangelogEnd(TopicPartition tp, long end) => _changelogEnds[tp] = end;

    public void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition)
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Key = key, Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime), Headers = KafkaConvert.ToKafka(headers),
        };
        string real = layout.RealName(topic);
        Produce(partition is int p ? new TopicPartition(real, p) : null, real, message);
    }

    /// <summary>
    /// Serdes see internal topics under their names on the cluster (<c>&lt;application id&gt;-&lt;name&gt;</c>), as in Kafka Streams:
    /// its topology's internal sink and source topics are decorated (<c>InternalTopologyBuilder.decorateTopic</c>) and
    /// <c>RecordCollectorImpl.send</c> calls <c>serializer.serialize(topic, headers, data)</c> with that name.
    /// </summary>
    public string SerdeTopic(string topic) => layout.RealName(topic);

    public void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp) =>
        Produce(new TopicPartition(topic, partition), topic,
            new Message<byte[]?, byte[]?> { Key = key, Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) });

    private void Produce(TopicPartition? tp, string topic, Message<byte[]?, byte[]?> message)
    {
        HasWrites = true;
        while (true)
        {
            try
            {
                if (tp is not null) Producer.Produce(tp, message, OnDelivery);
                else Producer.Produce(topic, message, OnDelivery); // Partition.Any: murmur2 of the key, as Kafka
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Producer.Poll(TimeSpan.FromMilliseconds(50)); // back-pressure: wait for deliveries to free the queue
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                throw new StreamsException($"the Kafka client refused a record for '{topic}'{(tp is null ? "" : " partition " + tp.Partition.Value)} " +
                    $"(key {message.Key?.Length ?? 0} bytes, value {message.Value?.Length ?? 0} bytes): {e.Error.Reason}.", e);
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            _failure ??= new DeliveryFailure(report.Topic, report.Partition.Value, report.Offset.Value,
                (report.Message.Key?.Length ?? 0) + (report.Message.Value?.Length ?? 0), report.Error);
            return;
        }
        if (trackChangelogEnds && layout.IsChangelog(report.Topic))
            _changelogEnds.AddOrUpdate(report.TopicPartition, report.Offset.Value + 1, (_, old) => Math.Max(old, report.Offset.Value + 1));
    }

    public void Dispose() => Producer?.Dispose();
}

/// <summary>A record the broker refused (or that timed out), with where it was going and its size.</summary>
internal sealed record DeliveryFailure(string Topic, int Partition, long Offset, int Bytes, Error Error)
{
    /// <summary>
    /// Errors that the same record will get again however often it is retried (Kafka's RecordCollectorImpl treats
    /// these as fatal for the task: RecordTooLarge, InvalidRecord, authorization, …).
    /// </summary>
    public bool IsPermanent => Error.IsFatal || Error.Code is ErrorCode.MsgSizeTooLarge
        or ErrorCode.InvalidMsg or ErrorCode.InvalidMsgSize or ErrorCode.RecordListTooLarge or ErrorCode.TopicAuthorizationFailed
        or ErrorCode.ClusterAuthorizationFailed or ErrorCode.TopicException or ErrorCode.InvalidRecord or ErrorCode.UnsupportedForMessageFormat;

    public StreamsException ToException() => new(
        $"the broker refused a record for topic '{Topic}' partition {Partition} (offset {(Offset >= 0 ? Offset.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}, " +
        $"{Bytes} bytes of key and value): {Error.Reason} ({Error.Code}). Retrying cannot succeed; fix the record or the topic's limits.",
        new KafkaException(Error));
}
