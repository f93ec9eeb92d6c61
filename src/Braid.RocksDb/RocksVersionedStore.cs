using System.Buffers.Binary;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// RocksDB versioned key–value store of one task, with the semantics of
/// <c>InMemoryVersionedKeyValueStore</c> (which documents the rules: ordering, tombstones, expiry).
/// <para>
/// Layout: <c>[task][0x01][serialized key]</c> → all versions of the key, oldest first
/// (<see cref="VersionListSerde{TValue}"/>); <c>[task][0x00]</c> → observed stream time. One value per
/// key keeps a lookup to one read; a key's history is short (it is bounded by the retention), and it is
/// rewritten whole when the key is written, which is also when its expired versions are dropped.
/// Deviation from Kafka's segmented layout: the expired history of a key that is never written again
/// stays on disk (it is never readable: reads check the retention cutoff) until that key is written.
/// </para>
/// Version lists are kept deserialized: pending (written since the last commit) and cached (committed).
/// </summary>
internal sealed class RocksVersionedStore<TKey, TValue> : RocksStore<TKey>, IVersionWriter<TKey, TValue>
{
    private const long EstimatedEntryBytes = 96;
    private static readonly List<Version<TValue>> NoVersions = [];

    private readonly byte[] _metaKey;
    private readonly VersionListSerde<TValue> _listSerde;
    private readonly long _retentionMs;
    private readonly Dictionary<TKey, List<Version<TValue>>> _pending = StoreDictionary.Create<TKey, List<Version<TValue>>>();
    private readonly ValueCache<TKey, List<Version<TValue>>> _cache;
    private readonly KeyBuffer _keyBuffer = new();
    private readonly byte[] _meta = new byte[8];
    private long _observedStreamTime = long.MinValue;
    private long _committedStreamTime = long.MinValue;

    public RocksVersionedStore(RocksDatabase db, TaskId task, VersionedStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, readOnly)
    {
        _metaKey = KeyLayout.MetaKey(task);
        _listSerde = new VersionListSerde<TValue>(builder.ValueSerde);
        _cache = new ValueCache<TKey, List<Version<TValue>>>(readOnly ? 0 : cacheEntries);
        HistoryRetention = builder.HistoryRetention;
        _retentionMs = (long)builder.HistoryRetention.TotalMilliseconds;
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
        if (_pending.TryGetValue(key, out var versions) || _cache.TryGet(key, out versions)) return versions;
        versions = Db.TryRead(Family, _keyBuffer.Compose(Prefix, KeySerde.Serialize(key)), _listSerde, out var read) ? read : NoVersions;
        _cache.Set(key, versions);
        return versions;
    }

    public VersionedPutResult PutVersion(TKey key, TValue? value, bool isTombstone, long timestamp)
    {
        StoreArguments.NotNull(key);
        ThrowIfReadOnly();
        if (timestamp < Cutoff) return VersionedPutResult.NotPut;
        _observedStreamTime = Math.Max(_observedStreamTime, timestamp);

        if (!_pending.TryGetValue(key, out var versions))
        {
            // A copy: the committed list may be cached, and it must stay as committed until the commit.
            versions = new List<Version<TValue>>(Versions(key));
            _pending.Add(key, versions);
        }
        var result = VersionHistory.Insert(versions, new Version<TValue>(timestamp, value, isTombstone));
        // An emptied list deletes the key at the commit.
        VersionHistory.Expire(versions, Cutoff);
        return result;
    }

    public override void WritePending(WriteBatch batch)
    {
        foreach (var (key, versions) in _pending)
        {
            var stored = _keyBuffer.Compose(Prefix, KeySerde.Serialize(key));
            if (versions.Count == 0) batch.Delete(stored, Family);
            else batch.Put(stored, _listSerde.Serialize(versions), Family);
        }
        if (_observedStreamTime != _committedStreamTime)
        {
            BinaryPrimitives.WriteInt64BigEndian(_meta, _observedStreamTime);
            batch.Put(_metaKey, _meta, Family);
        }
    }

    public override void Committed()
    {
        foreach (var (key, versions) in _pending) _cache.Set(key, versions.Count == 0 ? NoVersions : versions);
        _pending.Clear();
        _committedStreamTime = _observedStreamTime;
    }

    public override void DiscardPending()
    {
        _pending.Clear();
        _cache.Clear();
        _observedStreamTime = _committedStreamTime;
    }

}

/// <summary>A key's versions, oldest first: per version 8 bytes timestamp, 1 byte kind (0 tombstone,
/// 1 value), then for values a 4-byte length and the serialized value; all big-endian.</summary>
internal sealed class VersionListSerde<TValue>(Serde<TValue> valueSerde) : Serde<List<Version<TValue>>>
{
    public override byte[] Serialize(List<Version<TValue>> value)
    {
        var parts = new byte[]?[value.Count];
        int length = 0;
        for (int i = 0; i < value.Count; i++)
        {
            parts[i] = value[i].IsTombstone ? null : valueSerde.Serialize(value[i].Value!);
            length += 9 + (parts[i] is { } p ? 4 + p.Length : 0);
        }
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        for (int i = 0; i < value.Count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(span, value[i].Timestamp);
            if (parts[i] is { } p)
            {
                span[8] = 1;
                BinaryPrimitives.WriteInt32BigEndian(span[9..], p.Length);
                p.CopyTo(span[13..]);
                span = span[(13 + p.Length)..];
            }
            else
            {
                span[8] = 0;
                span = span[9..];
            }
        }
        return bytes;
    }

    public override List<Version<TValue>> Deserialize(ReadOnlySpan<byte> data)
    {
        var versions = new List<Version<TValue>>(2);
        while (!data.IsEmpty)
        {
            if (data.Length < 9) throw new SerializationException($"A stored version list is truncated ({data.Length} bytes left).");
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(data);
            if (data[8] == 0)
            {
                versions.Add(new Version<TValue>(timestamp, default, IsTombstone: true));
                data = data[9..];
                continue;
            }
            int length = BinaryPrimitives.ReadInt32BigEndian(data[9..]);
            versions.Add(new Version<TValue>(timestamp, valueSerde.Deserialize(data.Slice(13, length)), IsTombstone: false));
            data = data[(13 + length)..];
        }
        return versions;
    }
}
