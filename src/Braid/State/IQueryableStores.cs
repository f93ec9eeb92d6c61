namespace Braid.State;

/// <summary>
/// Interactive queries (Kafka Streams' <c>KafkaStreams.store</c> with <c>QueryableStoreTypes</c>): read-only views of
/// a running topology's stores, the same on every host — the <c>TopologyTestDriver</c>, the embedded
/// <c>BraidApplication</c> and the Kafka host. A view spans every partition of the store this instance holds and
/// resolves them again on each call, so it stays usable across rebalances.
/// Errors are the same everywhere: <see cref="UnknownStateStoreException"/> (no such store),
/// <see cref="InvalidStateStoreException"/> (the store is of another type: the message names both),
/// <see cref="StateStoreNotAvailableException"/> (the application is not running) and
/// <see cref="StateStoreMigratedException"/> (the store is not on this instance now: retry after routing).
/// </summary>
public interface IQueryableStores
{
    /// <summary>A key–value store holding plain values (user stores added with <c>AddStateStore</c>).</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale (standby, restoring) copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    IReadOnlyKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null);

    /// <summary>A table's or aggregate's store, whose values carry the timestamp of the record that wrote them.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    IReadOnlyKeyValueStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedKeyValueStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null);

    /// <summary>A window store holding plain values (a stream–stream join's buffer, a user window store).</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    IReadOnlyWindowStore<TKey, TValue> GetWindowStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null);

    /// <summary>A windowed aggregation's store: aggregates with their timestamps, per key and window start.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>A read-only view.</returns>
    IReadOnlyWindowStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedWindowStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null);

    /// <summary>A session aggregation's store.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>A read-only view.</returns>
    IReadOnlySessionStore<TKey, TValue> GetSessionStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null);

    /// <summary>A versioned table's store: the latest value of a key, or the value as of a time.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition and whether stale copies may answer; all active partitions by default.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    IReadOnlyVersionedStore<TKey, TValue> GetVersionedStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null);

    /// <summary>Every store of the topology with its kind and types (what the getters above accept), ordered by name.</summary>
    /// <returns>The stores.</returns>
    IReadOnlyList<QueryableStoreInfo> DescribeStores();
}
