using Braid.Serialization;
using Braid.State;

namespace Braid.RocksDb;

// Read-only views of committed state, for interactive queries from any thread. Each wraps a store
// opened in read-only mode (no pending writes, no cache, a fresh iterator per scan) and serializes
// calls with a lock, because the wrapped store reuses a key buffer. Writes throw.

/// <summary>Committed-only view of a key–value store.</summary>
internal sealed class CommittedKeyValueView<TKey, TValue>(RocksKeyValueStore<TKey, TValue> store) : IKeyValueStore<TKey, TValue>
{
    private readonly Lock _lock = new();

    public string Name => store.Name;

    public bool IsPersistent => true;

    public long ApproximateCount
    {
        get { lock (_lock) return store.ApproximateCount; }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock) return store.TryGet(key, out value);
    }

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

    public void Put(TKey key, TValue value) => store.Put(key, value);

    public bool Delete(TKey key) => store.Delete(key);

    public void Flush() { }

    public void Close() { }
}

/// <summary>Committed-only view of a window store.</summary>
internal sealed class CommittedWindowView<TKey, TValue>(RocksWindowStore<TKey, TValue> store) : IWindowStore<TKey, TValue>
{
    private readonly Lock _lock = new();

    public string Name => store.Name;

    public bool IsPersistent => true;

    public long RetentionMs => store.RetentionMs;

    public long ObservedStreamTime
    {
        get
        {
            lock (_lock)
            {
                store.LoadCommittedMetadata();
                return store.ObservedStreamTime;
            }
        }
    }

    public IEnumerable<TimestampedValue<TValue>> Fetch(TKey key, long timeFrom, long timeTo)
    {
        var results = new List<TimestampedValue<TValue>>();
        Fetch(key, timeFrom, timeTo, results);
        return results;
    }

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results)
    {
        lock (_lock)
        {
            store.LoadCommittedMetadata();
            return store.Fetch(key, timeFrom, timeTo, results);
        }
    }

    public bool Put(TKey key, TValue value, long timestamp) => store.Put(key, value, timestamp);

    public void Flush() { }

    public void Close() { }
}

/// <summary>Committed-only view of a versioned key–value store.</summary>
internal sealed class CommittedVersionedView<TKey, TValue>(RocksVersionedStore<TKey, TValue> store) : IVersionedKeyValueStore<TKey, TValue>
{
    private readonly Lock _lock = new();

    public string Name => store.Name;

    public bool IsPersistent => true;

    public TimeSpan HistoryRetention => store.HistoryRetention;

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp) => store.Put(key, value, timestamp);

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted) => store.Delete(key, timestamp, out deleted);

    public bool TryGet(TKey key, out VersionedRecord<TValue> record)
    {
        lock (_lock) return store.TryGet(key, out record);
    }

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record)
    {
        lock (_lock)
        {
            store.LoadCommittedMetadata();
            return store.TryGet(key, asOfTimestamp, out record);
        }
    }

    public void Flush() { }

    public void Close() { }
}

/// <summary>Committed-only view of a session store.</summary>
internal sealed class CommittedSessionView<TKey, TValue>(RocksSessionStore<TKey, TValue> store) : ISessionStore<TKey, TValue>
{
    private readonly Lock _lock = new();

    public string Name => store.Name;

    public bool IsPersistent => true;

    public long RetentionMs => store.RetentionMs;

    public long ObservedStreamTime
    {
        get
        {
            lock (_lock)
            {
                store.LoadCommittedMetadata();
                return store.ObservedStreamTime;
            }
        }
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime)
    {
        lock (_lock)
        {
            store.LoadCommittedMetadata();
            return store.FindSessions(key, earliestSessionEndTime, latestSessionStartTime);
        }
    }

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value)
    {
        lock (_lock)
        {
            store.LoadCommittedMetadata();
            return store.TryFetchSession(key, sessionStart, sessionEnd, out value);
        }
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime)
    {
        lock (_lock)
        {
            store.LoadCommittedMetadata();
            return store.FindSessionsByEndTime(earliestSessionEndTime, latestSessionEndTime);
        }
    }

    public bool Put(Windowed<TKey> session, TValue value) => store.Put(session, value);

    public bool Remove(Windowed<TKey> session) => store.Remove(session);

    public void Flush() { }

    public void Close() { }
}
