using Braid.Serialization;

namespace Braid.State;

/// <summary>Factories for store descriptions, as Kafka's <c>Stores</c>.</summary>
public static class Stores
{
    /// <summary>A key–value store description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="keySerde">The key serde; the default for the type when null.</param>
    /// <param name="valueSerde">The value serde; the default for the type when null.</param>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <returns>The description.</returns>
    public static KeyValueStoreBuilder<TKey, TValue> KeyValue<TKey, TValue>(
        string name, Serde<TKey>? keySerde = null, Serde<TValue>? valueSerde = null) =>
        new(name, keySerde ?? Serdes.Default<TKey>(), valueSerde ?? Serdes.Default<TValue>());
}
