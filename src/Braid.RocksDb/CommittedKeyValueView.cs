namespace Braid.RocksDb;

/// <summary>Committed-only view of a key–value store.</summary>
internal sealed class CommittedKeyValueView<TKey, TValue>(RocksKeyValueStore<TKey, TValue> store)
    : CommittedView<TKey, RocksKeyValueStore<TKey, TValue>>(store), IKeyValueStore<TKey, TValue>
{
    public long ApproximateCount => Read(s => s.ApproximateCount);

    public bool TryGet(TKey key, out TValue value)
    {
        (bool found, value) = Read(s => (s.TryGet(key, out var v), v));
        return found;
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to) => Read(s => s.Range(from, to));

    public IEnumerable<KeyValue<TKey, TValue>> All() => Read(s => s.All());

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde) => Read(s => s.PrefixScan(prefix, prefixSerde));

    public void Put(TKey key, TValue value) => Store.Put(key, value);

    public bool Delete(TKey key) => Store.Delete(key);
}
