using System.Buffers.Binary;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// RocksDB session store of one task, with the semantics of <c>InMemorySessionStore</c>.
/// <para>
/// Two layouts, both cut into segments of half the retention by session end (as the window store), so
/// expiry is one DeleteRange each:
/// <list type="bullet">
/// <item>sessions <c>[task][0x01][segment][key length][key][end][start]</c> → value: a key's sessions in
/// (end, start) order per segment, for <see cref="FindSessions"/> (one seek per live segment);</item>
/// <item>end index <c>[task][0x02][end][key length][key][start]</c> → empty: sessions by end, for
/// <see cref="FindSessionsByEndTime"/> (results are re-sorted by serialized key, because the length
/// prefix orders keys by length first).</item>
/// </list>
/// <c>[task][0x00]</c> holds observed stream time. Pending puts and removes are objects per key.
/// A fence key <c>[task][0x01][0xFF × 8]</c> (after every session) keeps a seek past the last session
/// from landing in the end index's expired, range-deleted entries, which RocksDB would step over one by
/// one until compaction drops them.
/// </para>
/// </summary>
internal sealed class RocksSessionStore<TKey, TValue> : SegmentedRocksStore<TKey>, ISessionStore<TKey, TValue>
{
    private const long EstimatedEntryBytes = 96;
    private const byte IndexTag = 0x02;

    private readonly byte[] _indexPrefix;
    private readonly byte[] _fence;
    private readonly Serde<TValue> _valueSerde;
    private readonly Dictionary<TKey, SortedDictionary<(long End, long Start), Pending>> _pending = StoreDictionary.Create<TKey, SortedDictionary<(long End, long Start), Pending>>();
    private readonly byte[] _meta = new byte[8];
    private int _pendingCount;
    private bool _fenceWritten;

    public RocksSessionStore(RocksDatabase db, TaskId task, SessionStoreBuilder<TKey, TValue> builder, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, builder.Retention, readOnly)
    {
        _indexPrefix = (byte[])Prefix.Clone();
        _indexPrefix[KeyLayout.TaskPrefixLength] = IndexTag;
        _fence = [.. Prefix, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        _valueSerde = builder.ValueSerde;
        LoadCommittedMetadata();
    }

    public override long PendingBytes => _pendingCount * EstimatedEntryBytes;

    /// <summary>Reads observed stream time as last committed (read-only views call it per read).</summary>
    internal override void LoadCommittedMetadata()
    {
        if (Db.TryReadBytes(Family, MetaKey) is { } meta) CommittedStreamTime = BinaryPrimitives.ReadInt64BigEndian(meta);
        ObservedStreamTime = CommittedStreamTime;
    }

    public bool Put(Windowed<TKey> session, TValue value)
    {
        ArgumentNullException.ThrowIfNull(session.Key);
        StoreArguments.NotNull(value);
        ThrowIfReadOnly();
        var (start, end) = (session.Window.Start, session.Window.End);
        if (start > end) throw new ArgumentException($"session store '{Name}': a session must not start ({start}) after it ends ({end}).", nameof(session));
        if (end > ObservedStreamTime) ObservedStreamTime = end;
        if (end < MinLiveTime) return false;
        SetPending(session.Key, end, start, new Pending(value, IsRemove: false));
        return true;
    }

    public bool Remove(Windowed<TKey> session)
    {
        ArgumentNullException.ThrowIfNull(session.Key);
        ThrowIfReadOnly();
        if (!TryFetchSession(session.Key, session.Window.Start, session.Window.End, out _)) return false;
        SetPending(session.Key, session.Window.End, session.Window.Start, new Pending(default!, IsRemove: true));
        return true;
    }

    private void SetPending(TKey key, long end, long start, Pending pending)
    {
        if (!_pending.TryGetValue(key, out var sessions))
        {
            sessions = new SortedDictionary<(long End, long Start), Pending>();
            _pending.Add(key, sessions);
        }
        if (!sessions.ContainsKey((end, start))) _pendingCount++;
        sessions[(end, start)] = pending;
    }

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value)
    {
        StoreArguments.NotNull(key);
        value = default!;
        if (sessionEnd < MinLiveTime) return false;
        if (_pending.TryGetValue(key, out var sessions) && sessions.TryGetValue((sessionEnd, sessionStart), out var pending))
        {
            value = pending.Value;
            return !pending.IsRemove;
        }
        return Db.TryRead(Family, SessionKey(KeySerde.Serialize(key), sessionEnd, sessionStart), _valueSerde, out value);
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime)
    {
        StoreArguments.NotNull(key);
        var found = new SortedDictionary<(long End, long Start), TValue>();
        long minEnd = Math.Max(earliestSessionEndTime, MinLiveTime);
        if (ObservedStreamTime != long.MinValue && minEnd <= ObservedStreamTime)
            ReadCommittedSessions(KeySerde.Serialize(key), minEnd, latestSessionStartTime, found);
        if (_pending.TryGetValue(key, out var sessions))
        {
            foreach (var ((end, start), pending) in sessions)
            {
                if (pending.IsRemove) found.Remove((end, start));
                else if (end >= minEnd && start <= latestSessionStartTime) found[(end, start)] = pending.Value;
            }
        }
        var result = new List<KeyValue<Windowed<TKey>, TValue>>(found.Count);
        foreach (var ((end, start), value) in found) result.Add(new(new Windowed<TKey>(key, new Window(start, end)), value));
        return result;
    }

    private void ReadCommittedSessions(byte[] keyBytes, long minEnd, long latestStart, SortedDictionary<(long End, long Start), TValue> found)
    {
        var iterator = AcquireIterator();
        try
        {
            for (long segment = SegmentId(minEnd), last = SegmentId(ObservedStreamTime); segment <= last; segment++)
            {
                var seek = SessionKey(keyBytes, minEnd, long.MinValue, segment);
                var keyPrefix = seek.AsSpan(0, seek.Length - 16);
                for (iterator.Seek(seek); iterator.Valid(); iterator.Next())
                {
                    var stored = iterator.GetKeySpan();
                    if (stored.Length != seek.Length || !stored.StartsWith(keyPrefix)) break;
                    long start = KeyLayout.ReadOrderedInt64(stored[^8..]);
                    if (start <= latestStart)
                        found[(KeyLayout.ReadOrderedInt64(stored[^16..]), start)] = _valueSerde.Deserialize(iterator.GetValueSpan());
                }
                Db.ThrowIfFailed(iterator);
            }
        }
        finally
        {
            ReleaseIterator(iterator);
        }
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime)
    {
        long from = Math.Max(earliestSessionEndTime, MinLiveTime);
        var found = new SortedDictionary<(long End, byte[] Key, long Start), (TKey Key, TValue Value)>(ByEndComparer.Instance);
        if (from > latestSessionEndTime) return [];
        var seek = new byte[_indexPrefix.Length + 8];
        _indexPrefix.CopyTo(seek, 0);
        KeyLayout.WriteOrderedInt64(seek.AsSpan(_indexPrefix.Length), from);
        var iterator = AcquireIterator();
        try
        {
            for (iterator.Seek(seek); iterator.Valid(); iterator.Next())
            {
                var stored = iterator.GetKeySpan();
                if (!stored.StartsWith(_indexPrefix)) break;
                var entry = stored[_indexPrefix.Length..];
                long end = KeyLayout.ReadOrderedInt64(entry);
                if (end > latestSessionEndTime) break;
                int keyLength = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
                var keyBytes = entry.Slice(12, keyLength).ToArray();
                long start = KeyLayout.ReadOrderedInt64(entry[(12 + keyLength)..]);
                if (Db.TryRead(Family, SessionKey(keyBytes, end, start), _valueSerde, out var value))
                    found[(end, keyBytes, start)] = (KeySerde.Deserialize(keyBytes), value);
            }
            Db.ThrowIfFailed(iterator);
        }
        finally
        {
            ReleaseIterator(iterator);
        }
        foreach (var (key, sessions) in _pending)
        {
            byte[]? keyBytes = null;
            foreach (var ((end, start), pending) in sessions)
            {
                if (end < from || end > latestSessionEndTime) continue;
                keyBytes ??= KeySerde.Serialize(key);
                if (pending.IsRemove) found.Remove((end, keyBytes, start));
                else found[(end, keyBytes, start)] = (key, pending.Value);
            }
        }
        var result = new List<KeyValue<Windowed<TKey>, TValue>>(found.Count);
        foreach (var ((end, _, start), (key, value)) in found) result.Add(new(new Windowed<TKey>(key, new Window(start, end)), value));
        return result;
    }

    private byte[] SessionKey(byte[] keyBytes, long end, long start) => SessionKey(keyBytes, end, start, SegmentId(end));

    private byte[] SessionKey(byte[] keyBytes, long end, long start, long segment)
    {
        var stored = new byte[Prefix.Length + 12 + keyBytes.Length + 16];
        int head = KeyLayout.WriteTimeKeyHead(stored, Prefix, segment, keyBytes);
        KeyLayout.WriteOrderedInt64(stored.AsSpan(head), end);
        KeyLayout.WriteOrderedInt64(stored.AsSpan(head + 8), start);
        return stored;
    }

    private byte[] IndexKey(byte[] keyBytes, long end, long start)
    {
        var stored = new byte[_indexPrefix.Length + 12 + keyBytes.Length + 8];
        int head = KeyLayout.WriteTimeKeyHead(stored, _indexPrefix, end, keyBytes);
        KeyLayout.WriteOrderedInt64(stored.AsSpan(head), start);
        return stored;
    }

    public override void WritePending(WriteBatch batch)
    {
        foreach (var (key, sessions) in _pending)
        {
            var keyBytes = KeySerde.Serialize(key);
            foreach (var ((end, start), pending) in sessions)
            {
                var sessionKey = SessionKey(keyBytes, end, start);
                var indexKey = IndexKey(keyBytes, end, start);
                if (pending.IsRemove)
                {
                    batch.Delete(sessionKey, Family);
                    batch.Delete(indexKey, Family);
                }
                else
                {
                    batch.Put(sessionKey, _valueSerde.Serialize(pending.Value), Family);
                    batch.Put(indexKey, Array.Empty<byte>(), Family);
                }
            }
        }
        if (!_fenceWritten) batch.Put(_fence, Array.Empty<byte>(), Family);
        // After the puts, so sessions that expired while pending are removed by the same batch. Only
        // whole segments, so range tombstones accumulate once per half retention, not once per commit.
        if (SegmentsExpired)
        {
            DeleteBelow(batch, Prefix, FirstLiveSegment);
            DeleteBelow(batch, _indexPrefix, FirstLiveSegment * SegmentInterval);
        }
        if (ObservedStreamTime != CommittedStreamTime)
        {
            BinaryPrimitives.WriteInt64BigEndian(_meta, ObservedStreamTime);
            batch.Put(MetaKey, _meta, Family);
        }
    }

    public override void Committed()
    {
        TimeCommitted();
        _fenceWritten = true;
        _pending.Clear();
        _pendingCount = 0;
        ResetIterator();
    }

    public override void DiscardPending()
    {
        TimeDiscarded();
        _pending.Clear();
        _pendingCount = 0;
        ResetIterator();
    }

    private readonly record struct Pending(TValue Value, bool IsRemove);

    private sealed class ByEndComparer : IComparer<(long End, byte[] Key, long Start)>
    {
        public static readonly ByEndComparer Instance = new();

        public int Compare((long End, byte[] Key, long Start) x, (long End, byte[] Key, long Start) y)
        {
            int c = x.End.CompareTo(y.End);
            if (c == 0) c = ByteArrayComparer.Instance.Compare(x.Key, y.Key);
            return c != 0 ? c : x.Start.CompareTo(y.Start);
        }
    }
}
