using System.Runtime.CompilerServices;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// RocksDB key–value store of one task. Keys are <c>[task][0x01][serialized key]</c>, values the
/// serialized value, so RocksDB's byte order is the serialized-key order the in-memory store uses.
/// <list type="bullet">
/// <item>Writes stay pending, as objects, until the backend commits them in one batch with every other
/// store of the committing tasks (<see cref="ICommittable"/>). They are dirty entries of the same map that caches
/// committed values deserialized (<see cref="WriteBackCache{TKey,TValue}"/>, Kafka's <c>NamedCache</c>), so a hot key
/// costs one dictionary lookup and no RocksDB call, written or not, and a commit copies nothing. Absence is cached too
/// unless the cache covers the committed state (<see cref="CacheCoverage"/>): then a key it does not hold is absent
/// already, and an absence is not cached.</item>
/// <item>Scans merge a committed iterator with the pending writes, ordered by serialized key; the
/// serialized pending keys are indexed on the first scan and kept up to date until the commit.</item>
/// <item>A key written since the last commit that the committed state is known not to hold (its absence was read
/// or cached before the write) is <em>fresh</em>: deleting it drops the pending write instead of pending a
/// delete, so a record held and released between two commits (a stream–stream outer join's held records, a
/// buffer's entries) never reaches RocksDB, not even as a delete marker.</item>
/// <item>A foreign-key join's subscription store and a many-to-many join's indexes (key serdes that group keys,
/// <see cref="IGroupedKeys{TKey}"/>) keep the groups their prefix scans read in a <see cref="PrefixGroupCache{TKey,TValue}"/>,
/// maintained by the writes: a right-table update's scan of a cached group is a dictionary lookup.</item>
/// <item>A table source's update (its old value read, the new one written: <see cref="IPutAndGetOld{TKey,TValue}"/>) costs one
/// lookup of the pending writes once the key was written since the last commit, as the in-memory store's one lookup.</item>
/// </list>
/// Writes (puts, a table source's update, deletes, freshness) are in <c>RocksKeyValueStore.Writes.cs</c>.
/// </summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue> : RocksStore<TKey>, IKeyValueStore<TKey, TValue>, IPrefixScanInto<TKey, TValue>,
    ISharedReadsSource, IPutAndGetOld<TKey, TValue>
{
    /// <summary>A guess at a pending entry's serialized size: writes are not serialized before the commit.</summary>
    private const long EstimatedEntryBytes = 64;

    private readonly Serde<TValue> _valueSerde;
    private readonly CommitValueWriter<TValue> _valueWriter;
    private readonly WriteBackCache<TKey, TValue> _entries;
    private readonly KeyBuffer _keyBuffer = new();
    private readonly CommitKeyArena<WriteBackCache<TKey, TValue>.Entry> _writeOrder = new();
    private readonly CommitValueWriter<TKey> _keyWriter;
    private SortedIndex<KeyIndexEntry<TKey>>? _pendingIndex;
    private readonly List<KeyIndexEntry<TKey>> _pendingInRange = new();
    private CommittedFloor _floor;
    private CommittedCeiling _ceiling;
    private readonly PrefixGroupCache<TKey, TValue>? _groups;
    private CacheCoverage _coverage;

    public RocksKeyValueStore(RocksDatabase db, TaskId task, KeyValueStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, readOnly)
    {
        _valueSerde = builder.ValueSerde;
        _valueWriter = new CommitValueWriter<TValue>(builder.ValueSerde);
        // Keys too: a commit writes each key not serialized yet into a reused buffer, copied into the arena (CommitKeyArena).
        _keyWriter = new CommitValueWriter<TKey>(builder.KeySerde);
        _entries = new WriteBackCache<TKey, TValue>(readOnly ? 0 : cacheEntries);
        // A join's subscription or index store: whole groups in memory, so right-side updates scan no RocksDB iterator.
        if (!readOnly && cacheEntries > 0 && builder.KeySerde is IGroupedKeys<TKey> grouped) _groups = new(grouped, cacheEntries);
    }

    public override long PendingBytes => _entries.WrittenKeys.Count * EstimatedEntryBytes;

    /// <summary>Where scans from the start seek (tests).</summary>
    internal CommittedFloor Floor => _floor;

    /// <summary>Above it, reads know a key absent (tests).</summary>
    internal CommittedCeiling Ceiling => _ceiling;

    /// <summary>The pending writes and cached committed values (tests).</summary>
    internal WriteBackCache<TKey, TValue> Entries => _entries;

    /// <summary>Groups whose prefix scans are answered from memory (tests).</summary>
    internal int CachedGroups => _groups?.GroupCount ?? 0;

    /// <summary>Whether the group cache holds every group, so that no group scan reads RocksDB (tests).</summary>
    internal bool GroupsComplete => _groups?.IsComplete ?? false;

    /// <summary>Exact (a merge of committed and pending keys), so it costs a scan of the task's keys.</summary>
    public long ApproximateCount => Merge(null, null, inclusiveUpper: true, output: null);

    /// <summary>A global store read by several stream threads at once: reads mutate the cache, key buffer and iterator
    /// (<see cref="SharedReadsKeyValueStore{TKey,TValue}"/>).</summary>
    public IStateStore ForSharedReads() => new SharedReadsKeyValueStore<TKey, TValue>(this);

    public bool TryGet(TKey key, out TValue value)
    {
        StoreArguments.NotNull(key);
        // One lookup: a pending write and a committed value are the same entry (pending wins by construction).
        ref var entry = ref _entries.Find(key);
        if (Unsafe.IsNullRef(ref entry)) return TryGetUncached(key, out value);
        value = entry.Value;
        return entry.Present;
    }

    /// <summary>The committed value of a key the cache does not hold (nor a pending write): absent under coverage, else
    /// read (and cached).</summary>
    private bool TryGetUncached(TKey key, out TValue value)
    {
        value = default!;
        // A cache holding every committed key answers a miss: absent, and not cached, so that absences (a join's
        // held-record buffer deletes keys that were never held) never fill and evict the cache (CacheCoverage).
        if (CoversAll()) return false;
        var keyBytes = KeySerde.Serialize(key);
        bool found = !KnownAbsent(keyBytes) && Db.TryRead(Family, _keyBuffer.Compose(Prefix, keyBytes), _valueSerde, out value);
        _entries.AddCommitted(key, found, value);
        return found;
    }

    /// <summary>Whether the committed state cannot hold the key: below the floor or above the ceiling (no RocksDB read).</summary>
    private bool KnownAbsent(byte[] keyBytes)
    {
        if (ReadOnly) return false;
        if (_floor.Excludes(keyBytes)) return true;
        if (!_ceiling.Known) _ceiling = LearnCeiling();
        return _ceiling.Excludes(keyBytes);
    }

    /// <summary>The task's last committed key: one seek, then kept up to date by the commits (<see cref="CommittedCeiling"/>).</summary>
    private CommittedCeiling LearnCeiling()
    {
        var end = KeyLayout.PrefixEnd(Prefix)!; // [task][0x02]: the prefix ends in the data tag, never 0xFF
        var iterator = AcquireIterator();
        try
        {
            iterator.Seek(end);
            if (iterator.Valid()) iterator.Prev();
            else iterator.SeekToLast();
            var ceiling = iterator.Valid() && iterator.GetKeySpan().StartsWith(Prefix)
                ? CommittedCeiling.At(iterator.GetKeySpan()[Prefix.Length..].ToArray())
                : CommittedCeiling.Empty;
            Db.ThrowIfFailed(iterator);
            return ceiling;
        }
        finally
        {
            ReleaseIterator(iterator);
        }
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to)
    {
        var result = new List<KeyValue<TKey, TValue>>();
        Merge(KeySerde.Serialize(from), KeySerde.Serialize(to), inclusiveUpper: true, result);
        return result;
    }

    public IEnumerable<KeyValue<TKey, TValue>> All()
    {
        var result = new List<KeyValue<TKey, TValue>>();
        Merge(null, null, inclusiveUpper: true, result);
        return result;
    }

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde)
    {
        var result = new List<KeyValue<TKey, TValue>>();
        PrefixScanInto(prefixSerde.Serialize(prefix), result);
        return result;
    }

    public void PrefixScanInto(byte[] prefix, List<KeyValue<TKey, TValue>> output)
    {
        output.Clear();
        StartGroups();
        if (_groups is not null && _groups.TryScan(prefix, output)) return;
        Merge(prefix, ByteArrayComparer.PrefixUpperBound(prefix), inclusiveUpper: false, output);
        _groups?.Learn(prefix, output);
    }

    /// <summary>
    /// Merges committed entries in [lo, hi] (hi exclusive unless <paramref name="inclusiveUpper"/>; null =
    /// unbounded) with pending writes, pending winning. Fills <paramref name="output"/> when given (a
    /// snapshot, so callers may write while enumerating); returns the entry count either way.
    /// </summary>
    private long Merge(byte[]? lo, byte[]? hi, bool inclusiveUpper, List<KeyValue<TKey, TValue>>? output)
    {
        // An empty prefix is the start: a scan from it (the stream–stream join's emit pass) must learn the floor too.
        if (lo is { Length: 0 }) lo = null;
        if (lo is not null && hi is not null && ByteArrayComparer.Instance.Compare(lo, hi) > 0) return 0;
        var pending = PendingBetween(lo, hi, inclusiveUpper);
        int p = 0;
        long count = 0;
        // Seek from the floor when the scan starts below it: the deleted keys below (a time-ordered buffer's expired
        // entries) are never walked again. With no committed key at all, RocksDB is not asked.
        bool learn = !ReadOnly && _floor.CanLearnFrom(lo);
        if (!ReadOnly && _floor.Known && _floor.Key is null) return MergePendingOnly(pending, output);
        var seek = !ReadOnly ? _floor.SeekFrom(lo) : lo;
        var iterator = AcquireIterator();
        try
        {
            for (iterator.Seek(_keyBuffer.Compose(Prefix, seek)); iterator.Valid(); iterator.Next())
            {
                var stored = iterator.GetKeySpan();
                if (!stored.StartsWith(Prefix)) break;
                var key = stored[Prefix.Length..];
                if (learn)
                {
                    _floor = CommittedFloor.At(key.ToArray());
                    learn = false;
                }
                if (hi is not null && key.SequenceCompareTo(hi) is var c && (c > 0 || (c == 0 && !inclusiveUpper))) break;
                while (p < pending.Count && pending[p].Bytes!.AsSpan().SequenceCompareTo(key) < 0) count += EmitPending(pending[p++], output);
                if (p < pending.Count && pending[p].Bytes.AsSpan().SequenceEqual(key))
                {
                    count += EmitPending(pending[p++], output);
                    continue;
                }
                count++;
                output?.Add(new KeyValue<TKey, TValue>(KeySerde.Deserialize(key), _valueSerde.Deserialize(iterator.GetValueSpan())));
            }
            Db.ThrowIfFailed(iterator);
            if (learn) _floor = CommittedFloor.Empty; // the seek found no committed key of this task at or above it
        }
        finally
        {
            ReleaseIterator(iterator);
        }
        while (p < pending.Count) count += EmitPending(pending[p++], output);
        return count;
    }

    private long MergePendingOnly(List<KeyIndexEntry<TKey>> pending, List<KeyValue<TKey, TValue>>? output)
    {
        long count = 0;
        for (int p = 0; p < pending.Count; p++) count += EmitPending(pending[p], output);
        return count;
    }

    private int EmitPending(KeyIndexEntry<TKey> entry, List<KeyValue<TKey, TValue>>? output)
    {
        // Indexed keys are pending, and pending entries are never dropped by the cache.
        ref var pending = ref _entries.Peek(entry.Key);
        if (!pending.Present) return 0;
        output?.Add(new KeyValue<TKey, TValue>(entry.Key, pending.Value));
        return 1;
    }

    private List<KeyIndexEntry<TKey>> PendingBetween(byte[]? lo, byte[]? hi, bool inclusiveUpper)
    {
        // Reused: a merge reads it to the end before it returns, and nothing calls back into this store meanwhile.
        var result = _pendingInRange;
        result.Clear();
        if (_entries.WrittenKeys.Count == 0) return result;
        if (_pendingIndex is null)
        {
            _pendingIndex = new SortedIndex<KeyIndexEntry<TKey>>(KeyIndexEntry<TKey>.ByBytes);
            foreach (var key in _entries.WrittenKeys)
            {
                ref var entry = ref _entries.Peek(key);
                if (!_entries.IsPending(entry)) continue; // a fresh delete dropped its write
                // Kept with the entry for a later fresh delete and the next commits (a key's bytes never change).
                _pendingIndex.Add(new KeyIndexEntry<TKey>(entry.KeyBytes ??= KeySerde.Serialize(key), key));
            }
        }
        _pendingIndexRead = true;
        for (var walk = _pendingIndex.From(new KeyIndexEntry<TKey>(lo ?? [], default!)); walk.MoveNext();)
        {
            var e = walk.Current;
            if (hi is not null && ByteArrayComparer.Instance.Compare(e.Bytes, hi) is var c && (c > 0 || (c == 0 && !inclusiveUpper))) break;
            result.Add(e);
        }
        return result;
    }

    public override void WritePending(WriteBatch batch)
    {
        _valueWriter.BeginCommit();
        // The bounds move once per commit, to the lowest and the highest key put (both walks below are in key order).
        // Moved when the batch is filled, before it is written: should the write fail, bounds around more than the
        // committed keys are still correct (a failed batch commits nothing, so bounds unmoved by a failure are too).
        if (_pendingIndex is not null)
        {
            byte[]? lowest = null, highest = null;
            // The index holds every pending key's bytes already (it is complete whenever it exists), in key order.
            for (var walk = _pendingIndex.From(new KeyIndexEntry<TKey>([], default!)); walk.MoveNext();)
            {
                var bytes = walk.Current.Bytes!;
                if (Write(batch, bytes, _entries.Peek(walk.Current.Key)))
                {
                    lowest ??= bytes;
                    highest = bytes;
                }
            }
            if (lowest is not null) (_floor, _ceiling) = (_floor.Lowered(lowest), _ceiling.Raised(highest!));
            return;
        }
        // Keys the pending writes do not hold serialized yet are written into a reused buffer and copied into the arena:
        // no array per key per commit (CommitKeyArena).
        // Nothing here changes an entry: should the batch fail, a retried commit writes the same entries (Committed,
        // after the batch is durable, is what makes them clean). A commit that threw half-way (a serde) left its entries
        // in the arena: a retry starts from an empty one, or a stale value could sort after the new one.
        _writeOrder.Clear();
        foreach (var key in _entries.WrittenKeys)
        {
            ref var entry = ref _entries.Peek(key);
            if (_entries.IsPending(entry)) _writeOrder.Add(entry.KeyBytes is { } held ? held : _keyWriter.Write(key), entry);
        }
        _writeOrder.Sort(); // key order is cheaper for RocksDB's memtable (KeyOrderedWrites)
        int first = -1, last = -1;
        for (int i = 0; i < _writeOrder.Count; i++)
        {
            if (!Write(batch, _writeOrder.Key(i), _writeOrder.Item(i))) continue;
            if (first < 0) first = i;
            last = i;
        }
        if (first >= 0) (_floor, _ceiling) = (_floor.Lowered(_writeOrder.Key(first)), _ceiling.Raised(_writeOrder.Key(last)));
        _writeOrder.Clear();
    }

    /// <summary>Adds a pending write to the batch; true when it is a put (deletes never lower the floor: it stays a lower
    /// bound of the committed keys; nor raise the ceiling).</summary>
    private bool Write(WriteBatch batch, ReadOnlySpan<byte> key, in WriteBackCache<TKey, TValue>.Entry pending)
    {
        var stored = _keyBuffer.Compose(Prefix, key);
        if (!pending.Present)
        {
            batch.Delete(stored, Family);
            return false;
        }
        batch.Put(stored, _valueWriter.Write(pending.Value), Family);
        return true;
    }

    public override void Committed()
    {
        // The pending entries become the committed ones where they are: no copy (WriteBackCache). Under coverage a
        // deleted key's entry goes (a miss says absent), as it always went.
        _entries.Committed(removeAbsences: CoversKnown());
        // Once a scan built the index it is kept, emptied, and maintained by the next writes: rebuilding it after every
        // commit allocated its chunks again (a tenth of the RocksDB foreign-key join's allocation, issue 19).
        // A store with a group cache is the exception: its scans are answered from memory once a group is cached, so an
        // index kept up to date by every write (28% of the RocksDB foreign-key join's subscription receiver, session 7)
        // would rarely be read; it is rebuilt from the pending keys by the next scan of an uncached group instead.
        // And a store whose scans stopped (a Collect member store: its groups are scanned once, then kept in memory; s17-tl)
        // drops it too: kept, every put and delete paid a sorted insert for an index nobody read (7 % of the timeline's pass).
        if (_groups is not null || !_pendingIndexRead) _pendingIndex = null;
        else _pendingIndex?.Clear();
        _pendingIndexRead = false;
        ResetIterator();
    }

    public override void DiscardPending()
    {
        _pendingIndex = null;
        _entries.Clear(); // the pending writes and the committed values they replaced
        _groups?.Forget(); // it holds pending writes just discarded; completeness is decided again at the next write or scan
        _coverage.Forget();
        _floor = default; // learned again by the next scan from below
        _ceiling = default;
        ResetIterator();
    }
}
