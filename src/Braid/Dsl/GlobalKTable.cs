using Braid.Serialization;

namespace Braid;

/// <summary>
/// A table over all partitions of its topic, copied in full to every instance (Kafka's GlobalKTable).
/// Only usable as the right side of stream joins, which map each stream record to a table key.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class GlobalKTable<TKey, TValue>
{
    internal GlobalKTable(string storeName, Serde<TKey> keySerde, Serde<TValue> valueSerde)
    {
        StoreName = storeName;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
    }

    /// <summary>The name of the store that holds the global copy (queryable).</summary>
    public string StoreName { get; }

    internal Serde<TKey> KeySerde { get; }

    internal Serde<TValue> ValueSerde { get; }
}
