namespace Braid.Serialization;

/// <summary>Which part of a record a serde is converting.</summary>
public enum SerdeTarget
{
    /// <summary>The record key.</summary>
    Key,

    /// <summary>The record value.</summary>
    Value,
}

/// <summary>
/// Where a serde is being used: the topic, whether it converts the key or the value, and the record's
/// headers — what Kafka's <c>Serializer.serialize(topic, headers, data)</c> passes and what Schema
/// Registry serializers need to pick a subject. Braid passes a context at every topic boundary (sources,
/// sinks, repartition topics, the test driver's and the embedded runtime's topic helpers); state stores
/// call the context-free overloads.
/// </summary>
public readonly struct SerdeContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="topic">The topic the bytes come from or go to.</param>
    /// <param name="target">Key or value.</param>
    /// <param name="headers">The record's headers (null when it has none and the serde does not write headers).</param>
    public SerdeContext(string topic, SerdeTarget target, Headers? headers)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Topic = topic;
        Target = target;
        Headers = headers;
    }

    /// <summary>The topic the bytes come from or go to.</summary>
    public string Topic { get; }

    /// <summary>Key or value.</summary>
    public SerdeTarget Target { get; }

    /// <summary>True when the serde converts the key.</summary>
    public bool IsKey => Target == SerdeTarget.Key;

    /// <summary>
    /// The record's headers. On serialize it is never null for a serde whose
    /// <see cref="Serde{T}.WritesHeaders"/> is true (headers it adds are written with the record);
    /// otherwise null when the record has no headers.
    /// </summary>
    public Headers? Headers { get; }
}
