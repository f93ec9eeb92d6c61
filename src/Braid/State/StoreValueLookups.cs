namespace Braid.State;

/// <summary>
/// <see cref="StoreLookups"/> for stores whose values are value types (counts, sums): absence is a null
/// <see cref="Nullable{T}"/>, never a default zero.
/// </summary>
public static class StoreValueLookups
{
    /// <summary>The value of a key, or null when the store has none (Kafka's <c>ReadOnlyKeyValueStore.get</c>).</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key (not null).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type (a value type).</typeparam>
    /// <returns>The value, or null.</returns>
    public static TValue? Get<TKey, TValue>(this IReadOnlyKeyValueStore<TKey, TValue> store, TKey key) where TValue : struct
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TryGet(key, out var value) ? value : null;
    }

    /// <summary>The value of a key in the window that starts at <paramref name="windowStart"/>, or null (see <see cref="StoreLookups.Fetch{TKey, TValue}"/>).</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key (not null).</param>
    /// <param name="windowStart">The window start in milliseconds.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type (a value type).</typeparam>
    /// <returns>The value, or null.</returns>
    public static TValue? Fetch<TKey, TValue>(this IReadOnlyWindowStore<TKey, TValue> store, TKey key, long windowStart) where TValue : struct
    {
        ArgumentNullException.ThrowIfNull(store);
        TValue? found = null;
        foreach (var v in store.Fetch(key, windowStart, windowStart)) found = v.Value;
        return found;
    }
}
