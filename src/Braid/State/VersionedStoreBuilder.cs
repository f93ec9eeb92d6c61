using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.State;

/// <summary>Describes a versioned key–value store (KIP-914), as Kafka's <c>Stores.persistentVersionedKeyValueStore</c>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class VersionedStoreBuilder<TKey, TValue> : StoreBuilder<TKey, TValue>
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="historyRetention">How long old versions stay readable (behind the observed stream time); not negative.</param>
    /// <param name="keySerde">The key serde (used for persistence).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public VersionedStoreBuilder(string name, TimeSpan historyRetention, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name, keySerde, valueSerde)
    {
        HistoryRetention = NotNegative(historyRetention, $"store '{name}': the history retention");
    }

    /// <summary>How long old versions stay readable, behind the largest timestamp put so far.</summary>
    public TimeSpan HistoryRetention { get; }

    internal override string Kind => "Versioned";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateVersionedKeyValueStore(this);
}
