namespace Braid.RocksDb;

/// <summary>Committed-only view of a window store.</summary>
internal sealed class CommittedWindowView<TKey, TValue>(RocksWindowStore<TKey, TValue> store)
    : CommittedView<TKey, RocksWindowStore<TKey, TValue>>(store), IWindowStore<TKey, TValue>
{
    public long RetentionMs => Store.RetentionMs;

    public long ObservedStreamTime => ReadAtCommittedTime(s => s.ObservedStreamTime);

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results) =>
        ReadAtCommittedTime(s => s.Fetch(key, timeFrom, timeTo, results));

    public bool Put(TKey key, TValue value, long timestamp) => Store.Put(key, value, timestamp);
}
