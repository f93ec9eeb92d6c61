using Braid.Internal.Nodes;
using Braid.Serialization;

namespace Braid.Internal;

/// <summary>
/// A record a sink hands to a source of its own task as objects, not bytes (issue 19: "serialize only when the
/// record really leaves the task"). Only a host whose collector is an <see cref="IHandOffCollector"/> sees these,
/// and only for topics that the same task reads back; everywhere else the sink serializes as before.
/// </summary>
internal interface IHandedOffRecord
{
    long Timestamp { get; }

    Headers? Headers { get; }

    /// <summary>The bytes (and headers) the sink would have written, made on request: for a reader of the topic's
    /// bytes and for error contexts (the dead-letter handler sees the source record's bytes).</summary>
    (byte[]? Key, byte[]? Value, Headers? Headers) Serialize();

    /// <summary>Gives the record to <paramref name="source"/>: as objects when its types match the sink's, else
    /// as bytes through its deserializer (the same result as a round trip through the topic).</summary>
    void Deliver(ISourceNode source, in RawRecord position);
}

/// <summary>A collector that can take records as objects for some topics (the test driver's, for internal
/// topics its single task reads back).</summary>
internal interface IHandOffCollector
{
    /// <summary>Whether records for <paramref name="topic"/> stay in this task, so they may travel as objects.</summary>
    bool HandsOff(string topic);

    /// <summary>Queues a record for <paramref name="topic"/>, in the same order as byte records sent to it.</summary>
    void HandOff(string topic, IHandedOffRecord record);
}

/// <summary>The typed record of a <see cref="SinkNode{TKey,TValue}"/>, with the sink's serdes for when bytes are needed.</summary>
internal sealed class HandedOffRecord<TKey, TValue>(string topic, TKey? key, TValue? value, long timestamp, Headers? headers,
    Serde<TKey> keySerde, Serde<TValue> valueSerde) : IHandedOffRecord
{
    public long Timestamp => timestamp;

    public Headers? Headers => headers;

    // With the topic's context, as the sink would have serialized them (a Schema Registry serde needs the topic); a
    // serde that writes headers writes them into a copy, so the handed-off record's own headers stay as they were.
    public (byte[]? Key, byte[]? Value, Headers? Headers) Serialize()
    {
        var h = keySerde.WritesHeaders || valueSerde.WritesHeaders ? headers?.Clone() ?? new Headers() : headers;
        return (key is null ? null : keySerde.Serialize(key, new SerdeContext(topic, SerdeTarget.Key, h)),
            value is null ? null : valueSerde.Serialize(value, new SerdeContext(topic, SerdeTarget.Value, h)), h);
    }

    public void Deliver(ISourceNode source, in RawRecord position)
    {
        if (source is SourceNode<TKey, TValue> typed)
        {
            typed.ProcessHandedOff(key, value, timestamp, headers);
            return;
        }
        var (k, v, h) = Serialize();
        source.ProcessRaw(position with { Key = k, Value = v, Headers = h });
    }
}
