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

    /// <summary>Gives the record back to its sink for reuse, once the host has delivered it and keeps it nowhere else
    /// (the driver keeps the records of a topic a test reads, and never releases those). Not to be used afterwards.</summary>
    void Release();
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

/// <summary>The typed record of a <see cref="SinkNode{TKey,TValue}"/>, with the sink's serdes for when bytes are needed.
/// Rented from the sink's <see cref="HandOffPool{TKey,TValue}"/> and released by the host after delivery, so records
/// passing through an internal topic allocate nothing in steady state (issue 19: these were a fifth of a foreign-key
/// join's allocation, two or three per input record).</summary>
internal sealed class HandedOffRecord<TKey, TValue>(HandOffPool<TKey, TValue> pool) : IHandedOffRecord
{
    private TKey? _key;
    private TValue? _value;
    private long _timestamp;
    private Headers? _headers;
    private bool _rented;

    public long Timestamp => _timestamp;

    public Headers? Headers => _headers;

    internal void Set(TKey? key, TValue? value, long timestamp, Headers? headers)
    {
        (_key, _value, _timestamp, _headers, _rented) = (key, value, timestamp, headers, true);
    }

    // With the topic's context, as the sink would have serialized them (a Schema Registry serde needs the topic); a
    // serde that writes headers writes them into a copy, so the handed-off record's own headers stay as they were.
    public (byte[]? Key, byte[]? Value, Headers? Headers) Serialize()
    {
        ThrowIfReleased();
        var h = pool.KeySerde.WritesHeaders || pool.ValueSerde.WritesHeaders ? _headers?.Clone() ?? new Headers() : _headers;
        return (_key is null ? null : pool.KeySerde.Serialize(_key, new SerdeContext(pool.Topic, SerdeTarget.Key, h)),
            _value is null ? null : pool.ValueSerde.Serialize(_value, new SerdeContext(pool.Topic, SerdeTarget.Value, h)), h);
    }

    public void Deliver(ISourceNode source, in RawRecord position)
    {
        ThrowIfReleased();
        if (source is SourceNode<TKey, TValue> typed)
        {
            typed.ProcessHandedOff(_key, _value, _timestamp, _headers);
            return;
        }
        var (k, v, h) = Serialize();
        source.ProcessRaw(position with { Key = k, Value = v, Headers = h });
    }

    public void Release()
    {
        // A second release would let two queued records share one object: a host bug, never a silent wrong value.
        ThrowIfReleased();
        (_key, _value, _headers, _rented) = (default, default, null, false);
        pool.Return(this);
    }

    private void ThrowIfReleased()
    {
        if (!_rented) throw new InvalidOperationException($"a handed-off record of topic '{pool.Topic}' was used after its release.");
    }
}
