namespace Braid.State;

/// <summary>
/// Kafka Streams' lookups beside the <c>TryGet</c> pattern: <c>Get(key)</c> and window <c>Fetch(key, time)</c>
/// return null when absent, for stores whose values are reference types. Stores of value types (counts,
/// sums) use <see cref="StoreValueLookups"/>, whose overloads return <see cref="Nullable{T}"/>, so absence
/// is never confused with a zero. The compiler picks the right class from the value type's constraint.
/// </summary>
public static class StoreLookups
{
    /// <summary>The value of a key, or null when the store has none (Kafka's <c>ReadOnlyKeyValueStore.get</c>).</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key (not null).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type (a reference type).</typeparam>
    /// <returns>The value, or null.</returns>
    public static TValue? Get<TKey, TValue>(this IReadOnlyKeyValueStore<TKey, TValue> store, TKey key) where TValue : class
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TryGet(key, out var value) ? value : null;
    }

    /// <summary>
    /// The value of a key in the window that starts at <paramref name="windowStart"/>, or null when there is
    /// none (Kafka's <c>ReadOnlyWindowStore.fetch(key, time)</c>). When the store keeps several values at that
    /// time (a join store with duplicates), the one put last.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key (not null).</param>
    /// <param name="windowStart">The window start in milliseconds.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type (a reference type).</typeparam>
    /// <returns>The value, or null.</returns>
    public static TValue? Fetch<TKey, TValue>(this IReadOnlyWindowStore<TKey, TValue> store, TKey key, long windowStart) where TValue : class
    {
        ArgumentNullException.ThrowIfNull(store);
        TValue? found = null;
        foreach (var v in store.Fetch(key, windowStart, windowStart)) found = v.Value;
        return found;
    }
}
