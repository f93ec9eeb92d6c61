using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.State;

/// <summary>Describes a window store (values per key and timestamp, kept for a retention period).</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class WindowStoreBuilder<TKey, TValue> : StoreBuilder<TKey, TValue>
{
    /// <summary>Creates the description.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="retention">How long values are kept, in stream time (not negative).</param>
    /// <param name="retainDuplicates">Keep every value put under the same key and timestamp (joins need this).</param>
    /// <param name="keySerde">The key serde (used for persistence).</param>
    /// <param name="valueSerde">The value serde (used for persistence).</param>
    public WindowStoreBuilder(string name, TimeSpan retention, bool retainDuplicates, Serde<TKey> keySerde, Serde<TValue> valueSerde)
        : base(name, keySerde, valueSerde)
    {
        Retention = NotNegative(retention, $"window store '{name}': the retention");
        RetainDuplicates = retainDuplicates;
    }

    /// <summary>How long values are kept, in stream time.</summary>
    public TimeSpan Retention { get; }

    /// <summary>Whether several values may be stored under the same key and timestamp.</summary>
    public bool RetainDuplicates { get; }

    internal override string Kind => "Window";

    internal override IStateStore Build(IStoreFactory factory) => factory.CreateWindowStore(this);
}
