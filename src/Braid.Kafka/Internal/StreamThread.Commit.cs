using Braid.Internal;
using Braid.Kafka.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Output and commits. Sinks and changelogs share the thread's producer. At-least-once: flush, then commit
/// offsets. Exactly-once v2: offsets go into the open transaction, which then commits. A fenced or fatal
/// producer, or a failed transaction, closes every task dirty and rebuilds it; work never continues on it.
/// </summary>
internal sealed partial class StreamThread : IRecordCollector, IChangelogSink
{
    private IProducer<byte[]?, byte[]?>? _producer;
    private int _producerGeneration;
    private bool _transactionHasWrites;
    private volatile Error? _deliveryError;
    // Next offset of each changelog partition this thread has written (from delivery reports, which arrive on librdkafka's thread).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TopicPartition, long> _changelogEnds = new();

    private bool ExactlyOnce => _options.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce;

    public void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition)
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Key = key, Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime), Headers = KafkaConvert.ToKafka(headers),
        };
        string real = _layout.RealName(topic);
        Produce(partition is int p ? new TopicPartition(real, p) : null, real, message);
    }

    public void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp) =>
        Produce(new TopicPartition(topic, partition), topic,
            new Message<byte[]?, byte[]?> { Key = key, Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) });

    private void Produce(TopicPartition? tp, string topic, Message<byte[]?, byte[]?> message)
    {
        _transactionHasWrites = true;
        while (true)
        {
            try
            {
                if (tp is not null) _producer!.Produce(tp, message, OnDelivery);
                else _producer!.Produce(topic, message, OnDelivery); // Partition.Any: murmur2 of the key, as Kafka
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer!.Poll(TimeSpan.FromMilliseconds(50)); // back-pressure: wait for deliveries to free the queue
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            _deliveryError ??= report.Error;
            return;
        }
        if (_backend is not null && _layout.IsChangelog(report.Topic))
            _changelogEnds.AddOrUpdate(report.TopicPartition, report.Offset.Value + 1, (_, old) => Math.Max(old, report.Offset.Value + 1));
    }

    private IProducer<byte[]?, byte[]?> CreateProducer()
    {
        var producer = _clients.Producer(_producerGeneration++);
        if (ExactlyOnce)
        {
            try
            {
                producer.InitTransactions(_options.RequestTimeout);
            }
            catch (KafkaException e)
            {
                producer.Dispose();
                throw new KafkaUnavailableException($"could not initialise the transactional producer within {_options.RequestTimeout.TotalSeconds:0.#} s ({e.Error.Reason}).", e);
            }
            producer.BeginTransaction();
        }
        _deliveryError = null;
        _transactionHasWrites = false;
        return producer;
    }

    private void Commit()
    {
        var offsets = _tasks.Values.SelectMany(t => t.PendingOffsets()).ToList();
        if (offsets.Count == 0 && !_transactionHasWrites) return;
        if (ExactlyOnce) CommitTransaction(offsets);
        else CommitAtLeastOnce(offsets);
        RefreshLag();
    }

    private void CommitAtLeastOnce(List<TopicPartitionOffset> offsets)
    {
        if (_producer!.Flush(_options.RequestTimeout) > 0)
        {
            _logger.LogWarning("Outputs not acknowledged within {Timeout}; offsets stay uncommitted until they are.", _options.RequestTimeout);
            return;
        }
        if (_deliveryError is { } err)
        {
            RecoverFromProducerFailure(new KafkaException(err));
            return;
        }
        _transactionHasWrites = false;
        CommitLocalState(_tasks.Values, _changelogEnds);
        if (offsets.Count == 0) return;
        try
        {
            _group!.Commit(offsets);
            foreach (var t in _tasks.Values) t.OffsetsCommitted();
            KafkaMetrics.Commits.Add(1);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Commits during a rebalance may be refused; the offsets stay pending and go with the next commit.
            _logger.LogWarning("Offset commit failed: {Reason}; retrying at the next commit.", e.Error.Reason);
        }
    }

    private void CommitTransaction(List<TopicPartitionOffset> offsets)
    {
        try
        {
            if (offsets.Count > 0) _producer!.SendOffsetsToTransaction(offsets, _group!.ConsumerGroupMetadata, _options.RequestTimeout);
            _producer!.CommitTransaction(_options.RequestTimeout);
            CommitLocalState(_tasks.Values, _changelogEnds);
            foreach (var t in _tasks.Values) t.OffsetsCommitted();
            KafkaMetrics.Commits.Add(1);
            _transactionHasWrites = false;
            _producer.BeginTransaction();
        }
        catch (KafkaException e)
        {
            RecoverFromProducerFailure(e);
        }
    }

    /// <summary>
    /// A fenced or fatal producer is replaced; an abortable transaction is aborted. Either way the state
    /// changes since the last commit are gone from Kafka's view, so every task is closed dirty and rebuilt
    /// from its changelog and last committed offsets.
    /// </summary>
    private void RecoverFromProducerFailure(KafkaException e)
    {
        bool fatal = e.Error.IsFatal || e.Error.Code is ErrorCode.Local_Fenced or ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch;
        _logger.LogWarning("Producer failure ({Reason}, fatal: {Fatal}): closing all tasks dirty and rebuilding them.", e.Error.Reason, fatal);
        if (fatal || !ExactlyOnce)
        {
            _producer!.Dispose();
            _producer = CreateProducer();
        }
        else
        {
            AbortTransaction();
        }
        RebuildAll();
    }

    private void AbortTransaction()
    {
        if (!ExactlyOnce) return;
        try
        {
            _producer!.AbortTransaction(_options.RequestTimeout);
            _producer.BeginTransaction();
            _transactionHasWrites = false;
            _deliveryError = null;
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Abort failed ({Reason}); replacing the producer.", e.Error.Reason);
            _producer!.Dispose();
            _producer = CreateProducer();
        }
    }
}
