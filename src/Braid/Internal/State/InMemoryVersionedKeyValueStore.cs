using Braid.State;

namespace Braid.Internal.State;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// In-memory versioned key–value store with the semantics of Kafka's RocksDBVersionedStore:
/// <list type="bullet">
/// <item>Each key keeps its versions sorted by timestamp; a put at an existing timestamp replaces that version.</item>
/// <item>Observed stream time = the largest timestamp ever put. Puts older than observed − retention are
/// refused (<see cref="VersionedPutResult.NotPut"/>) and do not move observed stream time.</item>
/// <item>A tombstone is a version: reads in its interval see "absent", and it still counts as the latest
/// version when deciding whether a later put is in order.</item>
/// <item>Expiry: a version is dropped once its successor's timestamp is at or before observed − retention
/// (it can no longer be valid at any readable time). The latest version is never dropped by age unless it
/// is a tombstone, which reads the same as no version at all.</item>
/// </list>
/// Expired versions of a key are removed when the key is written; a periodic sweep (amortized O(1) per put)
/// reclaims keys that are never written again.
/// </summary>
internal sealed class InMemoryVersionedKeyValueStore<TKey, TValue> : IVersionWriter<TKey, TValue>
{
    private readonly Dictionary<TKey, List<Version<TValue>>> _map;
    private readonly long _retentionMs;
    private long _observedStreamTime = long.MinValue;
    private int _putsSinceSweep;

    public InMemoryVersionedKeyValueStore(string name, TimeSpan historyRetention)
    {
        Name = name;
        HistoryRetention = historyRetention;
        _retentionMs = (long)historyRetention.TotalMilliseconds;
        _map = typeof(TKey) == typeof(byte[])
            ? new Dictionary<TKey, List<Version<TValue>>>((IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance)
            : new Dictionary<TKey, List<Version<TValue>>>();
    }

    public string Name { get; }

    public bool IsPersistent => false;

    public TimeSpan HistoryRetention { get; }

    /// <summary>Oldest readable/writable timestamp; long.MinValue while nothing was put.</summary>
    public long Cutoff => VersionHistory.Cutoff(_observedStreamTime, _retentionMs);

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp) => PutVersion(key, value, value is null, timestamp);

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted)
    {
        StoreArguments.NotNull(key);
        return VersionHistory.Delete(this, key, timestamp, out deleted);
    }

    public bool TryGet(TKey key, out VersionedRecord<TValue> record)
    {
        StoreArguments.NotNull(key);
        if (_map.TryGetValue(key, out var versions)) return VersionHistory.TryGetLatest(versions, out record);
        record = default;
        return false;
    }

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record)
    {
        StoreArguments.NotNull(key);
        record = default;
        return _map.TryGetValue(key, out var versions) && VersionHistory.TryGetAsOf(versions, asOfTimestamp, Cutoff, out record);
    }

    public VersionedPutResult PutVersion(TKey key, TValue? value, bool isTombstone, long timestamp)
    {
        StoreArguments.NotNull(key);
        if (timestamp < Cutoff) return VersionedPutResult.NotPut;
        _observedStreamTime = Math.Max(_observedStreamTime, timestamp);

        if (!_map.TryGetValue(key, out var versions))
        {
            versions = new List<Version<TValue>>(1);
            _map.Add(key, versions);
        }
        var result = VersionHistory.Insert(versions, new Version<TValue>(timestamp, value, isTombstone));
        Expire(key, versions);
        MaybeSweep();
        return result;
    }

    /// <summary>Drops versions no readable timestamp can see; removes the key when nothing is left.</summary>
    private void Expire(TKey key, List<Version<TValue>> versions)
    {
        VersionHistory.Expire(versions, Cutoff);
        if (versions.Count == 0) _map.Remove(key);
    }

    private void MaybeSweep()
    {
        if (++_putsSinceSweep < Math.Max(1024, _map.Count)) return;
        _putsSinceSweep = 0;
        foreach (var (key, versions) in _map.ToList()) Expire(key, versions);
    }

    public void Flush() { }

    public void Close() { }

}
