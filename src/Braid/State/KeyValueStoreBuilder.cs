using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.State;

/// <summary>Describes a key–value store.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class KeyValueStoreBuilder<TKey, TValue> : StoreBuilder<TKey, TValue>
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="keySerde">The key serde (used for ordering and persistence).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public KeyValueStoreBuilder(string name, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name, keySerde, valueSerde)
    {
    }

    internal override string Kind => "KeyValue";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateKeyValueStore(this);
}
