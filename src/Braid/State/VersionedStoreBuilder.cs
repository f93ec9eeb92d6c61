using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.State;

/// <summary>Describes a versioned key–value store (KIP-914), as Kafka's <c>Stores.persistentVersionedKeyValueStore</c>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class VersionedStoreBuilder<TKey, TValue> : StoreBuilder
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="historyRetention">How long old versions stay readable (behind the observed stream time); not negative.</param>
    /// <param name="keySerde">The key serde (used for persistence).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public VersionedStoreBuilder(string name, TimeSpan historyRetention, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name)
    {
        if (historyRetention < TimeSpan.Zero)
            throw new TopologyException($"store '{name}': the history retention must not be negative (got {historyRetention}).");
        HistoryRetention = historyRetention;
        KeySerde = keySerde ?? throw new ArgumentNullException(nameof(keySerde));
        ValueSerde = valueSerde ?? throw new ArgumentNullException(nameof(valueSerde));
    }

    /// <summary>How long old versions stay readable, behind the largest timestamp put so far.</summary>
    public TimeSpan HistoryRetention { get; }

    /// <summary>The key serde.</summary>
    public Serde<TKey> KeySerde { get; }

    /// <summary>The value serde.</summary>
    public Serde<TValue> ValueSerde { get; }

    internal override string Kind => "Versioned";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateVersionedKeyValueStore(this);
}
