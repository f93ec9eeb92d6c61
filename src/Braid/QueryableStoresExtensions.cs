using Braid.Internal.Queries;
using Braid.State;

namespace Braid;

/// <summary>
/// The typed getters of <see cref="IQueryableStores"/>, written once for every host: each checks the store's kind and
/// types through the host (<see cref="UnknownStateStoreException"/>, <see cref="InvalidStateStoreException"/> at once)
/// and returns a read-only view over the partitions the host resolves on every call. In the root namespace, so an
/// application's <c>app.GetKeyValueStore&lt;K, V&gt;(name)</c> reads as it did when the getters were its own methods.
/// </summary>
public static class QueryableStoresExtensions
{
    /// <summary>A key–value store holding plain values (user stores added with <c>AddStateStore</c>).</summary>
    /// <param name="stores">The host (an application or the test driver).</param>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale (standby, restoring) copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public static IReadOnlyKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(this IQueryableStores stores, string name, StoreQueryParameters? parameters = null) =>
        new CompositeKeyValueStore<TKey, TValue>(stores.Resolve(name, QueryableStoreKind.KeyValue, typeof(TKey), typeof(TValue), parameters));

    /// <summary>A table's or aggregate's store, whose values carry the timestamp of the record that wrote them.</summary>
    /// <param name="stores">The host (an application or the test driver).</param>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public static IReadOnlyKeyValueStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedKeyValueStore<TKey, TValue>(this IQueryableStores stores, string name, StoreQueryParameters? parameters = null) =>
        stores.GetKeyValueStore<TKey, ValueAndTimestamp<TValue>>(name, parameters);

    /// <summary>A window store holding plain values (a stream–stream join's buffer, a user window store).</summary>
    /// <param name="stores">The host (an application or the test driver).</param>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public static IReadOnlyWindowStore<TKey, TValue> GetWindowStore<TKey, TValue>(this IQueryableStores stores, string name, StoreQueryParameters? parameters = null) =>
        new CompositeWindowStore<TKey, TValue>(stores.Resolve(name, QueryableStoreKind.Window, typeof(TKey), typeof(TValue), parameters));

    /// <summary>A windowed aggregation's store: aggregates with their timestamps, per key and window start.</summary>
    /// <param name="stores">The host (an application or the test driver).</param>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>A read-only view.</returns>
    public static IReadOnlyWindowStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedWindowStore<TKey, TValue>(this IQueryableStores stores, string name, StoreQueryParameters? parameters = null) =>
        stores.GetWindowStore<TKey, ValueAndTimestamp<TValue>>(name, parameters);

    /// <summary>A session aggregation's store.</summary>
    /// <param name="stores">The host (an application or the test driver).</param>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>A read-only view.</returns>
    public static IReadOnlySessionStore<TKey, TValue> GetSessionStore<TKey, TValue>(this IQueryableStores stores, string name, StoreQueryParameters? parameters = null) =>
        new CompositeSessionStore<TKey, TValue>(stores.Resolve(name, QueryableStoreKind.Session, typeof(TKey), typeof(TValue), parameters));

    /// <summary>A versioned table's store: the latest value of a key, or the value as of a time.</summary>
    /// <param name="stores">The host (an application or the test driver).</param>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public static IReadOnlyVersionedStore<TKey, TValue> GetVersionedStore<TKey, TValue>(this IQueryableStores stores, string name, StoreQueryParameters? parameters = null) =>
        new CompositeVersionedStore<TKey, TValue>(stores.Resolve(name, QueryableStoreKind.Versioned, typeof(TKey), typeof(TValue), parameters));
}
