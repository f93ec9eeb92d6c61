using System.Buffers.Binary;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// RocksDB versioned key–value store of one task, with the semantics of
/// <c>InMemoryVersionedKeyValueStore</c> (which documents the rules: ordering, tombstones, expiry).
/// <para>
/// Layout: one RocksDB entry per version, <c>[task][0x02][key length][serialized key][timestamp]</c> (length
/// big-endian, timestamp sign-flipped big-endian, so a key's versions are contiguous and in time order and never
/// confused with a longer key sharing its bytes) → <c>[kind][serialized value]</c> (kind 0 tombstone, 1 value);
/// <c>[task][0x00]</c> → observed stream time. A commit writes what changed since the previous one: the new
/// versions, and a delete for each version dropped by expiry or replaced. Until issue 19 (session 5) a key's whole
/// history was one value, rewritten at every commit that touched the key: with a 60 s history and a new version per
/// key every second, each commit serialized and wrote ~60 versions per key to add one (commit ≈ 65% of the
/// RocksDB row's time). Kafka splits history the same way (<c>RocksDBVersionedStore</c>: a latest-value store and
/// segments of older versions). The tag 0x02 (data of other stores is 0x01) keeps the old single-value layout
/// from ever being read as versions: a store that still holds it fails to open with a typed error.
/// Deviation from Kafka's segmented layout: the expired versions of a key that is never written again stay on
/// disk (never readable: reads check the retention cutoff) until that key is written.
/// </para>
/// Version lists are kept deserialized: pending (written since the last commit, beside the list as committed) and
/// cached (committed). A key's committed list is read with one seek on a cache miss.
/// </summary>
internal sealed class RocksVersionedStore<TKey, TValue> : RocksStore<TKey>, IVersionWriter<TKey, TValue>
{
    private const long EstimatedEntryBytes = 96;
    private const byte VersionTag = 0x02;
    private const byte TombstoneKind = 0, ValueKind = 1;
    private static readonly List<Version<TValue>> NoVersions = [];

    private readonly byte[] _metaKey;
    private readonly byte[] _versionPrefix;
    private readonly Serde<TValue> _valueSerde;
    private readonly long _retentionMs;
    private readonly Dictionary<TKey, PendingVersions> _pending = StoreDictionary.Create<TKey, PendingVersions>();
    private readonly ValueCache<TKey, List<Version<TValue>>> _cache;
    private readonly KeyBuffer _keyBuffer = new();
    private readonly byte[] _meta = new byte[8];
    private long _observedStreamTime = long.MinValue;
    private long _committedStreamTime = long.MinValue;

    public RocksVersionedStore(RocksDatabase db, TaskId task, VersionedStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, readOnly)
    {
        _metaKey = KeyLayout.MetaKey(task);
        _versionPrefix = [.. Prefix.AsSpan(0, KeyLayout.TaskPrefixLength), VersionTag];
        _valueSerde = builder.ValueSerde;
        _cache = new ValueCache<TKey, List<Version<TValue>>>(readOnly ? 0 : cacheEntries);
        HistoryRetention = builder.HistoryRetention;
        _retentionMs = (long)builder.HistoryRetention.TotalMilliseconds;
        RejectOldLayout();
        LoadCommittedMetadata();
    }

    public TimeSpan HistoryRetention { get; }

    public override long PendingBytes => _pending.Count * EstimatedEntryBytes;

    public long Cutoff => VersionHistory.Cutoff(_observedStreamTime, _retentionMs);

    /// <summary>Reads observed stream time as last committed (read-only views call it per read).</summary>
    internal override void LoadCommittedMetadata()
    {
        if (Db.TryReadBytes(Family, _metaKey) is { } meta) _committedStreamTime = BinaryPrimitives.ReadInt64BigEndian(meta);
        _observedStreamTime = _committedStreamTime;
    }

    /// <summary>Fails with a typed error when the task's part of the store holds the pre-session-5 layout (whole histories under 0x01).</summary>
    private void RejectOldLayout()
    {
        var iterator = Db.NewIterator(Family);
        try
        {
            iterator.Seek(Prefix);
            bool old = iterator.Valid() && iterator.GetKeySpan().StartsWith(Prefix);
            if (!iterator.Valid()) Db.ThrowIfFailed(iterator);
            if (old)
                throw new StateStoreException(Db.Path, $"versioned store '{Name}' holds state in the layout of an earlier Braid version " +
                    "(one value per key); this version stores one entry per version and cannot read it. Rebuild the state: delete the state directory, or restore the store from its changelog.");
        }
        finally
        {
            iterator.Dispose();
        }
    }

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp) => PutVersion(key, value, value is null, timestamp);

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted)
    {
        StoreArguments.NotNull(key);
        ThrowIfReadOnly();
        return VersionHistory.Delete(this, key, timestamp, out deleted);
    }

    public bool TryGet(TKey key, out VersionedRecord<TValue> record)
    {
        StoreArguments.NotNull(key);
        return VersionHistory.TryGetLatest(Versions(key), out record);
    }

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record)
    {
        StoreArguments.NotNull(key);
        record = default;
        return VersionHistory.TryGetAsOf(Versions(key), asOfTimestamp, Cutoff, out record);
    }

    /// <summary>The key's versions, pending first, then cached, then read; never mutate the result (it may be shared).</summary>
    private List<Version<TValue>> Versions(TKey key)
    {
        if (_pending.TryGetValue(key, out var pending)) return pending.Current;
        return CommittedVersions(key);
    }

    private List<Version<TValue>> CommittedVersions(TKey key)
    {
        if (_cache.TryGet(key, out var versions)) return versions;
        versions = ReadCommitted(KeySerde.Serialize(key));
        _cache.Set(key, versions);
        return versions;
    }

    /// <summary>All stored versions of a key, oldest first (one seek; expired ones too — reads apply the cutoff).</summary>
    private List<Version<TValue>> ReadCommitted(byte[] keyBytes)
    {
        var head = KeyHead(keyBytes);
        List<Version<TValue>>? versions = null;
        var iterator = AcquireIterator();
        try
        {
            for (iterator.Seek(head); iterator.Valid(); iterator.Next())
            {
                var stored = iterator.GetKeySpan();
                if (stored.Length != head.Length + 8 || !stored.StartsWith(head)) break;
                long timestamp = KeyLayout.ReadOrderedInt64(stored[head.Length..]);
                var value = iterator.GetValueSpan();
                if (value.IsEmpty || value[0] > ValueKind) throw new StateStoreException(Db.Path, $"versioned store '{Name}': a stored version has an unknown kind.");
                (versions ??= new List<Version<TValue>>(2)).Add(value[0] == TombstoneKind
                    ? new Version<TValue>(timestamp, default, IsTombstone: true)
                    : new Version<TValue>(timestamp, _valueSerde.Deserialize(value[1..]), IsTombstone: false));
            }
            Db.ThrowIfFailed(iterator);
        }
        finally
        {
            ReleaseIterator(iterator);
        }
        return versions ?? NoVersions;
    }

    /// <summary><c>[task][0x02][key length][key]</c> in the reused buffer (valid until its next use), 8 bytes spare for a timestamp.</summary>
    private Span<byte> KeyHead(byte[] keyBytes)
    {
        int length = _versionPrefix.Length + 4 + keyBytes.Length;
        var buffer = _keyBuffer.Get(length + 8);
        _versionPrefix.CopyTo(buffer);
        BinaryPrimitives.WriteInt32BigEndian(buffer[_versionPrefix.Length..], keyBytes.Length);
        keyBytes.CopyTo(buffer[(_versionPrefix.Length + 4)..]);
        return buffer[..length];
    }

    public VersionedPutResult PutVersion(TKey key, TValue? value, bool isTombstone, long timestamp)
    {
        StoreArguments.NotNull(key);
        ThrowIfReadOnly();
        if (timestamp < Cutoff) return VersionedPutResult.NotPut;
        _observedStreamTime = Math.Max(_observedStreamTime, timestamp);

        if (!_pending.TryGetValue(key, out var pending))
        {
            // The committed list may be cached: it stays as committed (the commit diffs against it); writes go to a copy.
            var committed = CommittedVersions(key);
            pending = new PendingVersions(committed, new List<Version<TValue>>(committed));
            _pending.Add(key, pending);
        }
        var result = VersionHistory.Insert(pending.Current, new Version<TValue>(timestamp, value, isTombstone));
        VersionHistory.Expire(pending.Current, Cutoff);
        return result;
    }

    public override void WritePending(WriteBatch batch)
    {
        foreach (var (key, pending) in _pending)
        {
            var head = KeyHead(KeySerde.Serialize(key));
            int headLength = head.Length;
            var entryKey = _keyBuffer.Get(headLength + 8); // the head is already at its start
            // Both lists are sorted by timestamp: a version committed and not current is deleted, one current and not
            // committed as the same object is written. Versions unchanged since the last commit cost nothing.
            var committed = pending.Committed;
            var current = pending.Current;
            int c = 0, n = 0;
            while (c < committed.Count || n < current.Count)
            {
                long ts = c == committed.Count ? current[n].Timestamp
                    : n == current.Count ? committed[c].Timestamp
                    : Math.Min(committed[c].Timestamp, current[n].Timestamp);
                bool inCommitted = c < committed.Count && committed[c].Timestamp == ts;
                bool inCurrent = n < current.Count && current[n].Timestamp == ts;
                KeyLayout.WriteOrderedInt64(entryKey[headLength..], ts);
                if (!inCurrent) batch.Delete(entryKey, Family);
                else if (!inCommitted || !Same(committed[c], current[n])) batch.Put(entryKey, Serialize(current[n]), Family);
                if (inCommitted) c++;
                if (inCurrent) n++;
            }
        }
        if (_observedStreamTime != _committedStreamTime)
        {
            BinaryPrimitives.WriteInt64BigEndian(_meta, _observedStreamTime);
            batch.Put(_metaKey, _meta, Family);
        }
    }

    /// <summary>Unchanged since the commit: the same object (a reference value's own Equals may be looser than its bytes), or an equal struct.</summary>
    private static bool Same(Version<TValue> a, Version<TValue> b) =>
        a.IsTombstone == b.IsTombstone && (a.IsTombstone
            || (typeof(TValue).IsValueType ? EqualityComparer<TValue>.Default.Equals(a.Value, b.Value) : ReferenceEquals(a.Value, b.Value)));

    private byte[] Serialize(Version<TValue> version)
    {
        if (version.IsTombstone) return [TombstoneKind];
        var value = _valueSerde.Serialize(version.Value!);
        var bytes = new byte[1 + value.Length];
        bytes[0] = ValueKind;
        value.CopyTo(bytes, 1);
        return bytes;
    }

    public override void Committed()
    {
        foreach (var (key, pending) in _pending) _cache.Set(key, pending.Current.Count == 0 ? NoVersions : pending.Current);
        _pending.Clear();
        _committedStreamTime = _observedStreamTime;
        ResetIterator();
    }

    public override void DiscardPending()
    {
        _pending.Clear();
        _cache.Clear();
        _observedStreamTime = _committedStreamTime;
        ResetIterator();
    }

    /// <summary>A key written since the last commit: its versions as committed (never mutated) and as they are now.</summary>
    private sealed record PendingVersions(List<Version<TValue>> Committed, List<Version<TValue>> Current);
}
