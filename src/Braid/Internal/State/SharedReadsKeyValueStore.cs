using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.State;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; the wrapped store rejects null keys.

/// <summary>
/// A global store as the stream tasks of several threads see it: one store object, read by every stream thread at once
/// (they hold the host's global lock in read mode), so its reads are serialized here. A RocksDB read is not read-only
/// inside: it promotes and evicts value-cache entries, composes the key in the store's one buffer, learns the ceiling
/// with the store's one iterator; an in-memory store builds its ordered index on the first scan. Kafka's rule for the same hazard: <c>CachingKeyValueStore.get</c> takes a lock because
/// its cache mutates on reads. The global thread's writes and commits stay under the host's global write lock, which
/// excludes every reader, so they need no lock here; writes through this object (no DSL operator makes one) are
/// serialized like reads.
/// </summary>
internal sealed class SharedReadsKeyValueStore<TKey, TValue>(IKeyValueStore<TKey, TValue> store) : IKeyValueStore<TKey, TValue>
{
    private readonly Lock _lock = new();

    public string Name => store.Name;

    public bool IsPersistent => store.IsPersistent;

    public long ApproximateCount
    {
        get
        {
            lock (_lock) return store.ApproximateCount;
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock) return store.TryGet(key, out value);
    }

    // Both stores' scans return lists already filled, so nothing is read after the lock is released.
    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to)
    {
        lock (_lock) return store.Range(from, to);
    }

    public IEnumerable<KeyValue<TKey, TValue>> All()
    {
        lock (_lock) return store.All();
    }

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde)
    {
        lock (_lock) return store.PrefixScan(prefix, prefixSerde);
    }

    public void Put(TKey key, TValue value)
    {
        lock (_lock) store.Put(key, value);
    }

    public bool Delete(TKey key)
    {
        lock (_lock) return store.Delete(key);
    }

    /// <summary>The global task owns the store: it flushes and closes it.</summary>
    public void Flush() { }

    /// <summary>The global task owns the store: it flushes and closes it.</summary>
    public void Close() { }
}
