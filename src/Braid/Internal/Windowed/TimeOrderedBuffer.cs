using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>
/// Kafka's time-ordered suppression buffer over a key–value store, so a host can persist and restore it.
/// Store keys are <see cref="TimeFirstKey"/>: buffer time + serialized key, so the store's byte order is
/// the eviction order: buffer time, then key bytes. A key keeps the buffer time of its first held update
/// (a time limit counts from the first update; a window end never changes), so an in-memory index from
/// key bytes to store key, rebuilt from the store on start, finds the entry to replace.
/// </summary>
internal sealed class TimeOrderedBuffer<TKey, TValue>(IKeyValueStore<byte[], BufferEntry<TKey, TValue>> store, Serde<TKey> keySerde)
{
    private readonly Dictionary<byte[], byte[]> _index = Rebuild(store);

    public int Count => _index.Count;

    public void Put(TKey key, long bufferTime, in Change<TValue> change, long timestamp, Headers? headers = null)
    {
        var keyBytes = keySerde.Serialize(key);
        if (_index.TryGetValue(keyBytes, out var storeKey) && store.TryGet(storeKey, out var held))
        {
            store.Put(storeKey, held with { Value = change.New, HasValue = change.HasNew, Timestamp = timestamp, Headers = headers });
            return;
        }
        storeKey = TimeFirstKey.Of(bufferTime, keyBytes);
        store.Put(storeKey, new BufferEntry<TKey, TValue>(key, change.New, change.HasNew, change.Old, change.HasOld, timestamp, bufferTime, headers));
        _index[keyBytes] = storeKey;
    }

    public void Remove(TKey key)
    {
        var keyBytes = keySerde.Serialize(key);
        if (_index.Remove(keyBytes, out var storeKey)) store.Delete(storeKey);
    }

    /// <summary>Removes and returns, in eviction order, every entry whose buffer time is at most <paramref name="maxBufferTime"/>.</summary>
    public List<BufferEntry<TKey, TValue>> EvictUpTo(long maxBufferTime)
    {
        var evicted = new List<BufferEntry<TKey, TValue>>();
        if (_index.Count == 0) return evicted;
        var entries = maxBufferTime == long.MaxValue ? store.All() : store.Range(TimeFirstKey.Meta, TimeFirstKey.TimePrefix(maxBufferTime + 1));
        foreach (var kv in entries)
        {
            if (kv.Value.BufferTime > maxBufferTime) break;
            evicted.Add(kv.Value);
        }
        foreach (var e in evicted) Remove(e.Key);
        return evicted;
    }

    /// <summary>Removes and returns the entry that would leave first.</summary>
    public BufferEntry<TKey, TValue> EvictOldest()
    {
        foreach (var kv in store.All())
        {
            Remove(kv.Value.Key);
            return kv.Value;
        }
        throw new InvalidOperationException("the suppression buffer is empty.");
    }

    private static Dictionary<byte[], byte[]> Rebuild(IKeyValueStore<byte[], BufferEntry<TKey, TValue>> store)
    {
        var index = new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        foreach (var kv in store.All()) index[TimeFirstKey.RecordKey(kv.Key)] = kv.Key;
        return index;
    }
}
