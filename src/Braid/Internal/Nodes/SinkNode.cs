using Braid.Internal.Runtime;
using Braid.Internal.Telemetry;
using Braid.Serialization;

namespace Braid.Internal.Nodes;

/// <summary>
/// Serializes records and hands them to the host's collector — the only place output is serialized.
/// A topic extractor may pick the topic per record; the host picks the partition from the key bytes.
/// </summary>
internal sealed class SinkNode<TKey, TValue> : ProcessorNode<TKey, TValue>
{
    private readonly string? _topic;
    private readonly Func<TKey?, TValue?, string>? _topicExtractor;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private IHandOffCollector? _handOff;
    private string? _serdeTopic; // the fixed topic's name as the host writes it (Kafka: <application id>-<name> for internal topics)
    private HandOffPool<TKey, TValue>? _handOffPool;
    private readonly bool _serdesWriteHeaders;

    public SinkNode(string name, string? topic, Func<TKey?, TValue?, string>? topicExtractor, Serde<TKey> keySerde, Serde<TValue> valueSerde)
        : base(name)
    {
        _topic = topic;
        _topicExtractor = topicExtractor;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
        _serdesWriteHeaders = keySerde.WritesHeaders || valueSerde.WritesHeaders;
    }

    internal override IReadOnlyList<ProcessorNode> Children => [];

    public override void Init(TaskContext context)
    {
        base.Init(context);
        // A fixed topic that this same task reads back (the driver's internal topics) takes objects: the record
        // never leaves the task, so serializing it only to deserialize it again is pure cost.
        _handOff = _topic is not null && context.Collector is IHandOffCollector h && h.HandsOff(_topic) ? h : null;
        _serdeTopic = _topic is null ? null : context.Collector.SerdeTopic(_topic);
        _handOffPool = _handOff is null ? null : new HandOffPool<TKey, TValue>(_topic!, _keySerde, _valueSerde);
    }

    internal override void AddChild(ProcessorNode child) =>
        throw new TopologyException($"sink '{Name}' cannot have children (node '{child.Name}').");

    public override void Process(in Record<TKey, TValue> record)
    {
        // Kafka's SinkNode.process refuses a negative timestamp here, inside the processing of the record that made
        // it (so the processing exception handler decides): written out, it would fail every task reading the topic
        // at its source (StreamTask), with no handler to skip it — a poison record in an internal topic.
        if (record.Timestamp < 0)
            throw new StreamsException($"sink '{Name}' got a record with a negative timestamp ({record.Timestamp}) for topic '{_topic ?? "(chosen per record)"}'; " +
                "output timestamps are ms since the epoch. A processor that sets the timestamp must keep it non-negative.");
        if (_handOff is not null)
        {
            // Handed-off records carry the trace context and count as sent, as serialized ones do.
            var handed = System.Diagnostics.Activity.Current is not null ? BraidTracing.Inject(record.Headers) : record.Headers;
            _handOff.HandOff(_topic!, _handOffPool!.Rent(record.Key, record.Value, record.Timestamp, handed));
            CountSent(_topic!);
            return;
        }
        string topic = _topic is not null ? _topic : _topicExtractor!(record.Key, record.Value);
        byte[]? key = null, value = null;
        // A serde that writes headers (Schema Registry's header schema-id mode) gets a list to write to.
        var headers = record.Headers is null && _serdesWriteHeaders ? new Headers() : record.Headers;
        // The trace context of the span processing this record goes out with it (OpenTelemetry's Kafka instrumentation does the same).
        if (System.Diagnostics.Activity.Current is not null) headers = BraidTracing.Inject(headers);
        try
        {
            string serdeTopic = _serdeTopic ?? Context.Collector.SerdeTopic(topic);
            key = record.Key is null ? null : _keySerde.Serialize(record.Key, new SerdeContext(serdeTopic, SerdeTarget.Key, headers));
            value = record.Value is null ? null : _valueSerde.Serialize(record.Value, new SerdeContext(serdeTopic, SerdeTarget.Value, headers));
        }
        catch (Exception e) when (RecordFailures.IsHandledAtNode(e))
        {
            // Kafka's RecordCollectorImpl hands serialization errors to the production exception handler.
            RecordFailures.OnProductionError(this, new FailedOutput(topic, key, value, record.Timestamp, ProductionFailure.Serialization),
                new SerializationException($"sink '{Name}' could not serialize a record for topic '{topic}': {e.Message}", e));
            return;
        }
        try
        {
            Context.Collector.Send(topic, key, value, record.Timestamp, headers, null);
            CountSent(topic);
        }
        catch (Exception e) when (RecordFailures.IsHandledAtNode(e))
        {
            RecordFailures.OnProductionError(this, new FailedOutput(topic, key, value, record.Timestamp, ProductionFailure.Send), e);
        }
    }

    private static void CountSent(string topic)
    {
        if (!BraidMetrics.MessagingSent.Enabled) return;
        BraidMetrics.MessagingSent.Add(1, new KeyValuePair<string, object?>("messaging.system", BraidTracing.MessagingSystem),
            new KeyValuePair<string, object?>("messaging.destination.name", topic), new KeyValuePair<string, object?>("messaging.operation.name", "send"));
    }
}
