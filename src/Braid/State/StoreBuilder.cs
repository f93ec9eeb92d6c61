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

    /// <summary>A retention, checked: <paramref name="what"/> names it in the error ("window store 'w': the retention").</summary>
    private protected static TimeSpan NotNegative(TimeSpan retention, string what) =>
        retention >= TimeSpan.Zero ? retention : throw new TopologyException($"{what} must not be negative (got {retention}).");
}

/// <summary>Describes a store of keys and values of given types, with the serdes that persist them.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public abstract class StoreBuilder<TKey, TValue> : StoreBuilder
{
    private protected StoreBuilder(string name, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name)
    {
        KeySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        ValueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
    }

    /// <summary>The key serde (orders keys where the store does, and persists them).</summary>
    public Serde<TKey> KeySerde { get; }

    /// <summary>The value serde (used for persistence).</summary>
    public Serde<TValue> ValueSerde { get; }
}
