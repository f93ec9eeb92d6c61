using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.State;

/// <summary>Describes a session store (values per key and session window, kept for a retention period).</summary>
/// <typeparam name="TKey">The record key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class SessionStoreBuilder<TKey, TValue> : StoreBuilder<TKey, TValue>
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="retention">How long sessions are kept after they end, in stream time (not negative).</param>
    /// <param name="keySerde">The record key serde (orders keys and persists them).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public SessionStoreBuilder(string name, TimeSpan retention, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name, keySerde, valueSerde)
    {
        Retention = NotNegative(retention, $"session store '{name}': the retention");
    }

    /// <summary>How long sessions are kept, in stream time.</summary>
    public TimeSpan Retention { get; }

    internal override string Kind => "Session";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateSessionStore(this);
}
