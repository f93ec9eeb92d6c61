using Braid.Internal.Queries;
using Braid.State;

namespace Braid.Testing;

/// <summary>
/// The driver's stores: read–write (a test may seed or inspect them directly) through the public getters, and
/// read-only through <see cref="IQueryableStores"/>, the query API every host shares. Errors come from
/// <see cref="StoreQueryRules"/>, so a test sees the wording the embedded runtime and the Kafka host give.
/// </summary>
public sealed partial class TopologyTestDriver : IQueryableStores
{
    /// <summary>Any store of the topology (global stores included).</summary>
    /// <param name="name">The store name.</param>
    /// <returns>The store.</returns>
    /// <exception cref="UnknownStateStoreException">No store has this name.</exception>
    public IStateStore GetStateStore(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_task.Stores.TryGetValue(name, out var s)) return s;
        if (_globalTask is not null && _globalTask.Stores.TryGetValue(name, out s)) return s;
        throw StoreQueryRules.Unknown(_topology.Model, name);
    }

    /// <summary>A key–value store holding plain values (user stores added with AddStateStore).</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidStateStoreException">The store is of another kind or type (the message names both).</exception>
    public IKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name) =>
        Get<IKeyValueStore<TKey, TValue>>(name, QueryableStoreKind.KeyValue, typeof(TKey), typeof(TValue));

    /// <summary>A table's or aggregate's store, whose values carry the timestamp of the record that wrote them.</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The store.</returns>
    public IKeyValueStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedKeyValueStore<TKey, TValue>(string name) =>
        GetKeyValueStore<TKey, ValueAndTimestamp<TValue>>(name);

    /// <summary>A window store holding plain values (a stream–stream join's buffer, a user window store).</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The store.</returns>
    public IWindowStore<TKey, TValue> GetWindowStore<TKey, TValue>(string name) =>
        Get<IWindowStore<TKey, TValue>>(name, QueryableStoreKind.Window, typeof(TKey), typeof(TValue));

    /// <summary>A windowed aggregation's store: aggregates with their timestamps, per key and window start.</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>The store.</returns>
    public IWindowStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedWindowStore<TKey, TValue>(string name) =>
        GetWindowStore<TKey, ValueAndTimestamp<TValue>>(name);

    /// <summary>A session aggregation's store.</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>The store.</returns>
    public ISessionStore<TKey, TValue> GetSessionStore<TKey, TValue>(string name) =>
        Get<ISessionStore<TKey, TValue>>(name, QueryableStoreKind.Session, typeof(TKey), typeof(TValue));

    /// <summary>A versioned table's store.</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The store.</returns>
    public IVersionedKeyValueStore<TKey, TValue> GetVersionedStore<TKey, TValue>(string name) =>
        Get<IVersionedKeyValueStore<TKey, TValue>>(name, QueryableStoreKind.Versioned, typeof(TKey), typeof(TValue));

    /// <inheritdoc/>
    public IReadOnlyList<QueryableStoreInfo> DescribeStores() => StoreQueryRules.Describe(_topology.Model);

    // Read-only through IQueryableStores: the live store (no lock: the driver runs on the caller's thread).
    Func<IReadOnlyList<StorePart>> IQueryableStores.Resolve(string name, QueryableStoreKind kind, Type key, Type value, StoreQueryParameters? parameters)
    {
        StoreQueryRules.Check(_topology.Model, name, kind, key, value);
        // The driver runs every partition as one task: partition 0 is all of the store.
        if (parameters?.Partition is { } p && p != 0) throw StoreQueryRules.NoSuchPartition(name, p, 1);
        return () => [new StorePart(name, GetStateStore(name), null, null)];
    }

    private T Get<T>(string name, QueryableStoreKind kind, Type key, Type value) where T : class
    {
        StoreQueryRules.Check(_topology.Model, name, kind, key, value);
        return GetStateStore(name) as T
            ?? throw new InvalidOperationException($"Store '{name}' was built as a {typeof(T).Name} but is a {GetStateStore(name).GetType().Name} (a Braid defect).");
    }
}
