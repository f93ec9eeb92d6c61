using Braid.Serialization;

namespace Braid.State;

/// <summary>A named piece of local state owned by a task (or, for global stores, by every instance).</summary>
public interface IStateStore
{
    /// <summary>The store name, unique in a topology.</summary>
    string Name { get; }

    /// <summary>True when the store keeps its data on disk.</summary>
    bool IsPersistent { get; }

    /// <summary>Makes buffered writes durable (no-op for in-memory stores).</summary>
    void Flush();

    /// <summary>Releases the store's resources.</summary>
    void Close();
}

/// <summary>Read access to a key–value store, for processors and interactive queries.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public interface IReadOnlyKeyValueStore<TKey, TValue>
{
    /// <summary>Looks a key up. Absence is explicit: false, never a default value.</summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="value">The value when found.</param>
    /// <returns>True when the key has a value.</returns>
    bool TryGet(TKey key, out TValue value);

    /// <summary>
    /// The entries with keys from <paramref name="from"/> to <paramref name="to"/>, both inclusive,
    /// in the byte order of the serialized keys (the order RocksDB and Kafka use).
    /// </summary>
    /// <param name="from">The lowest key.</param>
    /// <param name="to">The highest key.</param>
    /// <returns>The entries, ordered; a snapshot taken when enumeration starts.</returns>
    IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to);

    /// <summary>All entries, in serialized-key byte order.</summary>
    /// <returns>The entries.</returns>
    IEnumerable<KeyValue<TKey, TValue>> All();

    /// <summary>The entries whose serialized key starts with the serialized prefix, in byte order.</summary>
    /// <param name="prefix">The prefix value.</param>
    /// <param name="prefixSerde">How to serialize the prefix.</param>
    /// <typeparam name="TPrefix">The prefix type.</typeparam>
    /// <returns>The entries.</returns>
    IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde);

    /// <summary>An estimate of the number of entries (exact for in-memory stores).</summary>
    long ApproximateCount { get; }
}

/// <summary>A read-write key–value store.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public interface IKeyValueStore<TKey, TValue> : IStateStore, IReadOnlyKeyValueStore<TKey, TValue>
{
    /// <summary>Inserts or replaces the value of a key.</summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="value">The value (not null; use <see cref="Delete"/> to remove).</param>
    void Put(TKey key, TValue value);

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when the key existed.</returns>
    bool Delete(TKey key);
}

/// <summary>A value with the timestamp of the record that wrote it (what KTable stores hold).</summary>
/// <param name="Value">The value.</param>
/// <param name="Timestamp">The timestamp in milliseconds.</param>
/// <typeparam name="TValue">The value type.</typeparam>
public readonly record struct ValueAndTimestamp<TValue>(TValue Value, long Timestamp);
