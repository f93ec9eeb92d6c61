namespace Braid.RocksDb;

/// <summary>Committed-only view of a versioned key–value store.</summary>
internal sealed class CommittedVersionedView<TKey, TValue>(RocksVersionedStore<TKey, TValue> store)
    : CommittedView<TKey, RocksVersionedStore<TKey, TValue>>(store), IVersionedKeyValueStore<TKey, TValue>
{
    public TimeSpan HistoryRetention => Store.HistoryRetention;

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp) => Store.Put(key, value, timestamp);

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted) => Store.Delete(key, timestamp, out deleted);

    public bool TryGet(TKey key, out VersionedRecord<TValue> record)
    {
        (bool found, record) = Read(s => (s.TryGet(key, out var r), r));
        return found;
    }

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record)
    {
        (bool found, record) = ReadAtCommittedTime(s => (s.TryGet(key, asOfTimestamp, out var r), r));
        return found;
    }
}
