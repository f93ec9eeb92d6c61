using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.State;

/// <summary>
/// Describes a store a topology needs. The host that runs the topology decides how to build it
/// (in memory in the test driver, RocksDB in the embedded runtime) unless the builder asks for memory.
/// </summary>
public abstract class StoreBuilder
{
    private protected StoreBuilder(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new TopologyException("a store name must not be empty.");
        Name = name;
    }

    /// <summary>The store name.</summary>
    public string Name { get; }

    /// <summary>Whether changes are logged to a changelog so the store can be restored (default true).</summary>
    public bool LoggingEnabled { get; init; } = true;

    /// <summary>Keep the store in memory even on hosts whose default is persistent.</summary>
    public bool InMemory { get; init; }

    internal abstract IStateStore Build(IStoreFactory factory);

    internal abstract string Kind { get; }
}

/// <summary>Describes a key–value store.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class KeyValueStoreBuilder<TKey, TValue> : StoreBuilder
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="keySerde">The key serde (used for ordering and persistence).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public KeyValueStoreBuilder(string name, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name)
    {
        KeySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        ValueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
    }

    /// <summary>The key serde.</summary>
    public Serde<TKey> KeySerde { get; }

    /// <summary>The value serde.</summary>
    public Serde<TValue> ValueSerde { get; }

    internal override string Kind => "KeyValue";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateKeyValueStore(this);
}

/// <summary>Describes a window store (values per key and timestamp, kept for a retention period).</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class WindowStoreBuilder<TKey, TValue> : StoreBuilder
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="retention">How long values are kept, in stream time (not negative).</param>
    /// <param name="retainDuplicates">Keep every value put under the same key and timestamp (joins need this).</param>
    /// <param name="keySerde">The key serde (used for persistence).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public WindowStoreBuilder(string name, TimeSpan retention, bool retainDuplicates, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name)
    {
        if (retention < TimeSpan.Zero)
            throw new TopologyException($"window store '{name}': the retention must not be negative (got {retention}).");
        Retention = retention;
        RetainDuplicates = retainDuplicates;
        KeySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        ValueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
    }

    /// <summary>How long values are kept, in stream time.</summary>
    public TimeSpan Retention { get; }

    /// <summary>Whether several values may be stored under the same key and timestamp.</summary>
    public bool RetainDuplicates { get; }

    /// <summary>The key serde.</summary>
    public Serde<TKey> KeySerde { get; }

    /// <summary>The value serde.</summary>
    public Serde<TValue> ValueSerde { get; }

    internal override string Kind => "Window";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateWindowStore(this);
}

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
