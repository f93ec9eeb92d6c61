using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// RocksDB window store of one task, with the semantics of <c>InMemoryWindowStore</c>.
/// <para>
/// Layout: <c>[task][0x01][segment][key length][key][timestamp][sequence]</c> (segment and timestamp in
/// sign-flipped big-endian, so byte order is time order). Segments are half the retention long, as in
/// memory, so a fetch seeks once per live segment (at most four) and expiry is one DeleteRange over the
/// expired segments. The key length makes a key's entries contiguous and never confused with a longer
/// key sharing its bytes. The sequence number is 0 without duplicates (a put at the same timestamp
/// overwrites) and increases per put with duplicates (put order survives a restart). The store's
/// metadata <c>[task][0x00]</c> holds observed stream time and the next sequence number.
/// </para>
/// <para>
/// In memory, one entry per key (<see cref="KeyEntries"/>, issue 19 session 13): the key's pending puts and, once
/// loaded, its live committed entries, in one list sorted by (timestamp, sequence), pending ones flagged. A fetch is
/// one dictionary lookup and one binary search (until session 12 a pending map and a cache of committed lists were
/// looked up and merged per fetch: a quarter of a RocksDB stream–stream join's pass), a commit walks the keys written
/// since the last one without a lookup, and a key's serialized bytes are kept with it. Kafka keeps the two apart
/// (<c>CachingWindowStore</c>'s dirty cache entries in front of <c>RocksDBWindowStore</c>, merged per fetch by
/// <c>MergedSortedCacheWindowStoreIterator</c>) because its thread cache evicts across stores; ours is per store.
/// </para>
/// Keys without pending puts are bounded by the cache size (<c>CacheEntriesPerStore</c>); keys with pending puts are
/// never dropped before their commit.
/// </summary>
internal sealed partial class RocksWindowStore<TKey, TValue> : SegmentedRocksStore<TKey>, IWindowStore<TKey, TValue>
{
    private const long EstimatedEntryBytes = 64;
    private const int SuffixLength = 16;
    private const long PendingFlag = long.MinValue;

    private readonly Serde<TValue> _valueSerde;
    private readonly CommitValueWriter<TValue> _valueWriter;
    private readonly bool _retainDuplicates;
    private readonly Dictionary<TKey, KeyEntries> _keys = StoreDictionary.Create<TKey, KeyEntries>();
    // Keys with pending puts, in first-put order: what the next commit writes.
    private readonly List<KeyEntries> _dirty = new();
    private readonly int _capacity;
    private readonly KeyBuffer _keyBuffer = new();
    private readonly List<Entry> _scratch = new();
    private readonly KeyOrderedWrites<PendingRun> _writeOrder = new(KeyOrderedWrites<PendingRun>.LengthThenByteOrder);
    private readonly byte[] _meta = new byte[16];
    private CacheCoverage _coverage;
    // Whether a commit ever dropped a key with committed entries: from then on an absent key says nothing.
    private bool _everDropped;
    // Commits so far: a key's last use is compared with it when keys over the cache size are dropped.
    private long _interval;
    private int _pendingCount;
    private long _nextSequence;
    private long _committedNextSequence;

    /// <summary>Keys whose committed entries were read from RocksDB (tests: a miss the covering cache answers reads none).</summary>
    internal long CommittedReads { get; private set; }

    /// <summary>Keys held in memory (tests: keys without pending puts stay within the cache size after a commit).</summary>
    internal int HeldKeys => _keys.Count;

    public RocksWindowStore(RocksDatabase db, TaskId task, WindowStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, builder.Retention, readOnly)
    {
        _valueSerde = builder.ValueSerde;
        _valueWriter = new CommitValueWriter<TValue>(builder.ValueSerde);
        _retainDuplicates = builder.RetainDuplicates;
        _capacity = readOnly ? 0 : cacheEntries;
        LoadCommittedMetadata();
    }

    public override long PendingBytes => _pendingCount * EstimatedEntryBytes;

    /// <summary>Reads observed stream time and the sequence counter as last committed (read-only views call it per read).</summary>
    internal override void LoadCommittedMetadata()
    {
        if (Db.TryReadBytes(Family, MetaKey) is { } meta)
        {
            CommittedStreamTime = BinaryPrimitives.ReadInt64BigEndian(meta);
            _committedNextSequence = BinaryPrimitives.ReadInt64BigEndian(meta.AsSpan(8));
        }
        ObservedStreamTime = CommittedStreamTime;
        _nextSequence = _committedNextSequence;
    }

    private bool CacheEnabled => _capacity > 0;

    public bool Put(TKey key, TValue value, long timestamp)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        ThrowIfReadOnly();
        if (timestamp > ObservedStreamTime) ObservedStreamTime = timestamp;
        long minLive = MinLiveTime;
        if (timestamp < minLive) return false;
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out bool exists);
        // A new key's committed entries are known only when the cache covers the task's committed state (none, then).
        slot ??= new KeyEntries(key, loaded: CacheEnabled && _coverage.CoversAll(Db, Family, Prefix, _everDropped));
        var held = slot;
        var entries = held.Entries;
        // Expired entries are invisible to fetches and never written (WritePending): dropped here, so lists stay one
        // retention long and searches short.
        if (exists && entries.Count > 0 && entries[0].Timestamp < minLive) entries.RemoveRange(0, FirstAtOrAfter(entries, minLive));
        // Values arrive mostly in timestamp order: search from the end for the insertion point.
        int i = entries.Count;
        while (i > 0 && entries[i - 1].Timestamp > timestamp) i--;
        if (!_retainDuplicates && i > 0 && entries[i - 1].Timestamp == timestamp)
        {
            // Sequence 0: overwrites the committed one, if any. Counted only when it was not already pending (the
            // pending count is what PendingBytes estimates: an overwrite of a pending entry holds no more memory).
            if (!entries[i - 1].IsPending) _pendingCount++;
            entries[i - 1] = new Entry(timestamp, PendingFlag, value);
        }
        else
        {
            entries.Insert(i, new Entry(timestamp, (_retainDuplicates ? _nextSequence++ : 0) | PendingFlag, value));
            _pendingCount++;
        }
        held.LastUse = _interval;
        if (!held.Dirty)
        {
            held.Dirty = true;
            _dirty.Add(held);
        }
        return true;
    }

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results)
    {
        StoreArguments.NotNull(key);
        ArgumentNullException.ThrowIfNull(results);
        long from = Math.Max(timeFrom, MinLiveTime);
        // Nothing is stored after observed stream time, so segments beyond it need no seek.
        long to = Math.Min(timeTo, ObservedStreamTime);
        if (ObservedStreamTime == long.MinValue || from > to) return 0;
        int before = results.Count;
        if (!_keys.TryGetValue(key, out var held))
        {
            if (!CacheEnabled)
            {
                _scratch.Clear();
                AddRange(ReadCommitted(key, from, to, _scratch), from, to, results);
                return results.Count - before;
            }
            // A cache that holds every committed key of the task answers a miss itself: the key has no committed entries
            // (CacheCoverage). The answer is not kept: an entry per absent key fetched would fill the cache, drop keys at
            // the next commit (_everDropped) and end the coverage.
            if (_coverage.CoversAll(Db, Family, Prefix, _everDropped)) return 0;
            var committed = ReadCommitted(key, MinLiveTime, ObservedStreamTime, new List<Entry>());
            // Keys without pending puts stay within the cache size; past it the entries are read, returned and not kept.
            if (_keys.Count - _dirty.Count < _capacity) _keys.Add(key, held = new KeyEntries(key, committed, loaded: true));
            else
            {
                AddRange(committed, from, to, results);
                return results.Count - before;
            }
        }
        else if (!held.Loaded)
        {
            // Only the key's pending puts are held: its committed entries are read and merged in, the pending ones winning
            // on equal (timestamp, sequence); without the cache, for this fetch only.
            _scratch.Clear();
            if (!CacheEnabled)
            {
                MergeRange(held.Entries, ReadCommitted(key, from, to, _scratch), from, to, results);
                return results.Count - before;
            }
            Load(held, ReadCommitted(key, MinLiveTime, ObservedStreamTime, _scratch));
        }
        held.LastUse = _interval;
        AddRange(held.Entries, from, to, results);
        return results.Count - before;
    }

    private static void AddRange(List<Entry> entries, long from, long to, List<TimestampedValue<TValue>> results)
    {
        for (int i = FirstAtOrAfter(entries, from); i < entries.Count && entries[i].Timestamp <= to; i++)
            results.Add(entries[i].ToValue());
    }

    /// <summary>The entries of a pending-only list and a committed one in [from, to], in order; a pending put replaces a
    /// committed entry of the same timestamp and sequence.</summary>
    private static void MergeRange(List<Entry> pending, List<Entry> committed, long from, long to, List<TimestampedValue<TValue>> results)
    {
        int p = FirstAtOrAfter(pending, from), c = FirstAtOrAfter(committed, from);
        while (true)
        {
            bool hasPending = p < pending.Count && pending[p].Timestamp <= to;
            bool hasCommitted = c < committed.Count && committed[c].Timestamp <= to;
            if (!hasPending && !hasCommitted) break;
            if (hasPending && hasCommitted && pending[p].SameSlot(committed[c]))
                c++; // overwritten by the pending put
            else if (!hasCommitted || (hasPending && pending[p].IsBefore(committed[c])))
                results.Add(pending[p++].ToValue());
            else
                results.Add(committed[c++].ToValue());
        }
    }

    /// <summary>Merges the key's committed entries (read from RocksDB) into its pending-only list, which then holds both.</summary>
    private void Load(KeyEntries held, List<Entry> committed)
    {
        var pending = held.Entries;
        if (committed.Count > 0)
        {
            var merged = new List<Entry>(pending.Count + committed.Count);
            int p = 0, c = 0;
            while (p < pending.Count || c < committed.Count)
            {
                if (p < pending.Count && c < committed.Count && pending[p].SameSlot(committed[c])) c++;
                else if (c == committed.Count || (p < pending.Count && pending[p].IsBefore(committed[c]))) merged.Add(pending[p++]);
                else merged.Add(committed[c++]);
            }
            held.Entries = merged;
        }
        held.Loaded = true;
    }

    private List<Entry> ReadCommitted(TKey key, long from, long to, List<Entry> into)
    {
        CommittedReads++;
        var keyBytes = KeySerde.Serialize(key);
        int entryPrefixLength = Prefix.Length + 8 + 4 + keyBytes.Length;
        var iterator = AcquireIterator();
        try
        {
            for (long segment = SegmentId(from), last = SegmentId(to); segment <= last; segment++)
            {
                var seek = _keyBuffer.Get(entryPrefixLength + SuffixLength);
                KeyLayout.WriteTimeKeyHead(seek, Prefix, segment, keyBytes);
                KeyLayout.WriteOrderedInt64(seek[entryPrefixLength..], from);
                BinaryPrimitives.WriteInt64BigEndian(seek[(entryPrefixLength + 8)..], 0);
                for (iterator.Seek(seek); iterator.Valid(); iterator.Next())
                {
                    var stored = iterator.GetKeySpan();
                    if (stored.Length != entryPrefixLength + SuffixLength || !stored.StartsWith(seek[..entryPrefixLength])) break;
                    long timestamp = KeyLayout.ReadOrderedInt64(stored[entryPrefixLength..]);
                    if (timestamp > to) break;
                    long sequence = BinaryPrimitives.ReadInt64BigEndian(stored[(entryPrefixLength + 8)..]);
                    into.Add(new Entry(timestamp, sequence, _valueSerde.Deserialize(iterator.GetValueSpan())));
                }
                Db.ThrowIfFailed(iterator);
            }
        }
        finally
        {
            ReleaseIterator(iterator);
        }
        return into;
    }

    /// <summary>Index of the first entry with timestamp ≥ <paramref name="timestamp"/> (lists are sorted by timestamp).</summary>
    private static int FirstAtOrAfter(List<Entry> entries, long timestamp)
    {
        int lo = 0, hi = entries.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].Timestamp < timestamp) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>One key's entries in memory, sorted by (timestamp, sequence).</summary>
    private sealed class KeyEntries(TKey key, List<Entry> entries, bool loaded)
    {
        public KeyEntries(TKey key, bool loaded) : this(key, new List<Entry>(2), loaded) { }

        public TKey Key { get; } = key;

        public List<Entry> Entries = entries;

        /// <summary>Whether <see cref="Entries"/> holds every live committed entry of the key (else only its pending puts).</summary>
        public bool Loaded = loaded;

        /// <summary>Whether the key has pending puts (it is in the store's dirty list).</summary>
        public bool Dirty;

        /// <summary>The commit interval of the key's last put or fetch.</summary>
        public long LastUse;

        /// <summary>The key serialized, at its first commit (kept: a join writes the same keys at every commit).</summary>
        public byte[]? KeyBytes;
    }

    /// <summary>An entry; <see cref="Tagged"/> is its sequence with the sign bit set while the put is pending.</summary>
    private readonly record struct Entry(long Timestamp, long Tagged, TValue Value)
    {
        public long Sequence => Tagged & long.MaxValue;

        public bool IsPending => Tagged < 0;

        public Entry Committed => this with { Tagged = Sequence };

        public bool SameSlot(Entry other) => Timestamp == other.Timestamp && Sequence == other.Sequence;

        public bool IsBefore(Entry other) => Timestamp < other.Timestamp || (Timestamp == other.Timestamp && Sequence < other.Sequence);

        public TimestampedValue<TValue> ToValue() => new(Timestamp, Value);
    }
}
