using Braid.Serialization;

namespace Braid.Internal.Nodes;

internal interface ISourceNode
{
    string Name { get; }

    void ProcessRaw(in RawRecord record);
}

/// <summary>
/// Turns topic bytes into typed records — the only place input is deserialized. Failures go to the
/// configured <see cref="DeserializationExceptionHandler"/>; a skipped record is counted, never silent.
/// </summary>
internal sealed class SourceNode<TKey, TValue> : ProcessorNode<TKey, TValue, TKey, TValue>, ISourceNode
{
    private static readonly bool ValueCanBeNull = !typeof(TValue).IsValueType || Nullable.GetUnderlyingType(typeof(TValue)) is not null;
    private static readonly bool KeyCanBeNull = !typeof(TKey).IsValueType || Nullable.GetUnderlyingType(typeof(TKey)) is not null;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private string? _lastTopic, _serdeTopic; // the last input topic and its name as the host reads it (Kafka: <application id>-<name> if internal)

    public SourceNode(string name, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name)
    {
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    public override void Process(in Record<TKey, TValue> record) => Forward(record);

    /// <summary>A record of an internal topic handed over as objects by a sink of the same task (no bytes to
    /// decode, so no deserialization error can occur).</summary>
    public void ProcessHandedOff(TKey? key, TValue? value, long timestamp, Headers? headers) =>
        Forward(new Record<TKey, TValue>(key, value, timestamp, headers));

    public void ProcessRaw(in RawRecord r)
    {
        TKey? key;
        TValue? value;
        if (!ReferenceEquals(r.Topic, _lastTopic)) (_lastTopic, _serdeTopic) = (r.Topic, Context.Collector.SerdeTopic(r.Topic));
        string serdeTopic = _serdeTopic!;
        try
        {
            if (r.Key is null)
            {
                if (!KeyCanBeNull) throw new SerializationException($"null key for non-nullable key type {typeof(TKey).Name}.");
                key = default;
            }
            else key = _keySerde.Deserialize(r.Key, new SerdeContext(serdeTopic, SerdeTarget.Key, r.Headers));
            if (r.Value is null)
            {
                if (!ValueCanBeNull)
                    throw new SerializationException($"null value (tombstone) for non-nullable value type {typeof(TValue).Name}; use {typeof(TValue).Name}? as the value type.");
                value = default;
            }
            else value = _valueSerde.Deserialize(r.Value, new SerdeContext(serdeTopic, SerdeTarget.Value, r.Headers));
        }
        catch (Exception e)
        {
            HandleError(r, e);
            return;
        }
        Forward(new Record<TKey, TValue>(key, value, r.Timestamp, r.Headers));
    }

    private void HandleError(in RawRecord r, Exception e)
    {
        var ctx = new DeserializationErrorContext(r.Topic, r.Partition, r.Offset, r.Key, r.Value, r.Timestamp, r.Headers, Name, e);
        DeserializationHandlerResult result;
        try
        {
            result = Context.Config.DeserializationExceptionHandler.Handle(ctx);
        }
        catch (Exception handlerError)
        {
            throw new StreamsException($"The deserialization handler itself failed for {r.Topic}-{r.Partition}@{r.Offset}.", handlerError);
        }
        if (result.Response == DeserializationHandlerResponse.Fail)
        {
            throw new StreamsException(
                $"Could not deserialize the record at {r.Topic}-{r.Partition}@{r.Offset} (source '{Name}'): {e.Message} " +
                "Fix the producer or configure a DeserializationExceptionHandler (log-and-continue or dead-letter).", e);
        }
        foreach (var dl in result.DeadLetters)
            Context.Collector.Send(dl.Topic, dl.Key, dl.Value, dl.Timestamp, dl.Headers, null);
        Context.RecordDropped(Name, "deserialization-error");
    }
}
