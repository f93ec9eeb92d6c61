using System.Buffers.Binary;

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
/// Pending puts are kept as objects per key, sorted by (timestamp, sequence), and merged into fetches;
/// committed entries of hot keys are cached deserialized (<see cref="CommittedEntries"/>).
/// </summary>
internal sealed class RocksWindowStore<TKey, TValue> : SegmentedRocksStore<TKey>, IWindowStore<TKey, TValue>
{
    private const long EstimatedEntryBytes = 64;
    private const int SuffixLength = 16;
    private static readonly List<Entry> NoEntries = [];
    private const int MaxRecycledCapacity = 16;
    private const int MaxSpareLists = 1 << 16;

    private readonly Serde<TValue> _valueSerde;
    private readonly CommitValueWriter<TValue> _valueWriter;
    private readonly bool _retainDuplicates;
    private readonly Dictionary<TKey, List<Entry>> _pending = StoreDictionary.Create<TKey, List<Entry>>();
    private readonly KeyBuffer _keyBuffer = new();
    private readonly ValueCache<TKey, List<Entry>> _cache;
    private readonly List<Entry> _scratch = new();
    private readonly Stack<List<Entry>> _spareLists = new();
    private readonly KeyOrderedWrites<PendingRun> _writeOrder = new(KeyOrderedWrites<PendingRun>.LengthThenByteOrder);
    private readonly byte[] _meta = new byte[16];
    private CacheCoverage _coverage;
    private int _pendingCount;
    private long _nextSequence;
    private long _committedNextSequence;

    /// <summary>Keys whose committed entries were read from RocksDB (tests: a miss the covering cache answers reads none).</summary>
    internal long CommittedReads { get; private set; }

    public RocksWindowStore(RocksDatabase db, TaskId task, WindowStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, builder.Retention, readOnly)
    {
        _valueSerde = builder.ValueSerde;
        _valueWriter = new CommitValueWriter<TValue>(builder.ValueSerde);
        _retainDuplicates = builder.RetainDuplicates;
        _cache = new ValueCache<TKey, List<Entry>>(readOnly ? 0 : cacheEntries);
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

    public bool Put(TKey key, TValue value, long timestamp)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        ThrowIfReadOnly();
        if (timestamp > ObservedStreamTime) ObservedStreamTime = timestamp;
        if (timestamp < MinLiveTime) return false;
        if (!_pending.TryGetValue(key, out var entries))
        {
            entries = _spareLists.Count > 0 ? _spareLists.Pop() : new List<Entry>(2);
            _pending.Add(key, entries);
        }
        // Values arrive mostly in timestamp order: search from the end for the insertion point.
        int i = entries.Count;
        while (i > 0 && entries[i - 1].Timestamp > timestamp) i--;
        if (!_retainDuplicates && i > 0 && entries[i - 1].Timestamp == timestamp)
        {
            entries[i - 1] = new Entry(timestamp, 0, value);
            return true;
        }
        entries.Insert(i, new Entry(timestamp, _retainDuplicates ? _nextSequence++ : 0, value));
        _pendingCount++;
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
        var pending = _pending.TryGetValue(key, out var found) ? found : NoEntries;
        var committed = CommittedEntries(key, from, to);
        int p = FirstAtOrAfter(pending, from), c = FirstAtOrAfter(committed, from);
        while (true)
        {
            bool hasPending = p < pending.Count && pending[p].Timestamp <= to;
            bool hasCommitted = c < committed.Count && committed[c].Timestamp <= to;
            if (!hasPending && !hasCommitted) break;
            if (hasPending && hasCommitted && pending[p].Timestamp == committed[c].Timestamp && pending[p].Sequence == committed[c].Sequence)
                c++; // overwritten by the pending put
            else if (!hasCommitted || (hasPending && pending[p].IsBefore(committed[c].Timestamp, committed[c].Sequence)))
                results.Add(pending[p++].ToValue());
            else
                results.Add(committed[c++].ToValue());
        }
        return results.Count - before;
    }

    /// <summary>
    /// The key's committed entries, sorted, covering at least [from, to]. With the cache on, all of the
    /// key's live committed entries are read once and kept (a join fetches the same hot keys again and
    /// again, and a RocksDB seek per live segment costs microseconds); commits merge into cached lists.
    /// </summary>
    private List<Entry> CommittedEntries(TKey key, long from, long to)
    {
        if (!_cache.Enabled)
        {
            _scratch.Clear();
            return ReadCommitted(key, from, to, _scratch);
        }
        if (_cache.TryGet(key, out var cached)) return cached;
        // A cache that holds every committed key of the task answers a miss itself: the key has no committed entries
        // (CacheCoverage; before it, each key's first fetch after a commit sought every live segment in RocksDB). The
        // answer is not cached, as the key-value store caches no absence under coverage: a slot per absent key fetched
        // would fill the cache, swap a generation out (EverDropped) and end the coverage. The shared empty list is never
        // cached, so no commit merges into it in place (Committed puts a newly committed key in with its own list).
        if (_coverage.CoversAll(Db, Family, Prefix, _cache.EverDropped)) return NoEntries;
        cached = ReadCommitted(key, MinLiveTime, ObservedStreamTime, new List<Entry>());
        _cache.Set(key, cached);
        return cached;
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

    /// <summary>A cached committed list after a commit of <paramref name="pending"/>: expired entries dropped, pending ones merged in (winning on equal timestamp and sequence).</summary>
    private List<Entry> MergeCommitted(List<Entry> committed, List<Entry> pending)
    {
        long minLive = MinLiveTime;
        int c = FirstAtOrAfter(committed, minLive), p = FirstAtOrAfter(pending, minLive);
        if (p == pending.Count || c == committed.Count || committed[^1].IsBefore(pending[p].Timestamp, pending[p].Sequence))
        {
            // Puts in time order (the common case): every live pending entry sorts after every live committed one,
            // so the cached list is updated in place — expired head dropped, pending tail appended — instead of a
            // new list per cached key per commit. The list is only ever read by this store's thread.
            committed.RemoveRange(0, c);
            for (; p < pending.Count; p++) committed.Add(pending[p]);
            return committed;
        }
        var merged = new List<Entry>(committed.Count + pending.Count);
        while (c < committed.Count || p < pending.Count)
        {
            if (c < committed.Count && p < pending.Count && committed[c].Timestamp == pending[p].Timestamp && committed[c].Sequence == pending[p].Sequence)
                c++;
            else if (c == committed.Count || (p < pending.Count && pending[p].IsBefore(committed[c].Timestamp, committed[c].Sequence)))
                merged.Add(pending[p++]);
            else
                merged.Add(committed[c++]);
        }
        return merged;
    }

    public override void WritePending(WriteBatch batch)
    {
        // Entries that expired while pending are not written at all (Kafka: the caching window store flushes into
        // AbstractRocksDBSegmentedBytesStore.put, which skips a record whose segment is no longer live; we skip per
        // entry, as our fetches expire per entry): no read can see them — fetches start at the minimum live
        // timestamp, here and after a restart, because this batch also writes the observed stream time that
        // makes them expired, atomically with the other puts — and the segment's DeleteRange would only remove
        // them again. With a commit interval longer than the retention (a stream–stream join's ±window, a
        // window's size + grace), most of a fast stream's entries never reach RocksDB.
        long minLive = MinLiveTime;
        foreach (var (key, entries) in _pending)
        {
            int first = FirstAtOrAfter(entries, minLive); // entries are sorted by timestamp
            if (first < entries.Count) _writeOrder.Add(KeySerde.Serialize(key), new PendingRun { Entries = entries, Next = first });
        }
        // In RocksDB's key order ([segment][key length][key][timestamp][sequence], KeyOrderedWrites says why): one pass per
        // segment with entries (normally at most three: the live range is one retention, a segment half of it).
        _writeOrder.Sort();
        while (TryNextSegment(out long segment))
        {
            for (int i = 0; i < _writeOrder.Count; i++)
            {
                var keyBytes = _writeOrder.Key(i);
                ref var run = ref _writeOrder.Item(i);
                int entryPrefixLength = Prefix.Length + 12 + keyBytes.Length;
                for (; run.Next < run.Entries.Count && SegmentId(run.Entries[run.Next].Timestamp) == segment; run.Next++)
                {
                    var entry = run.Entries[run.Next];
                    var stored = _keyBuffer.Get(entryPrefixLength + SuffixLength);
                    KeyLayout.WriteTimeKeyHead(stored, Prefix, segment, keyBytes);
                    KeyLayout.WriteOrderedInt64(stored[entryPrefixLength..], entry.Timestamp);
                    BinaryPrimitives.WriteInt64BigEndian(stored[(entryPrefixLength + 8)..], entry.Sequence);
                    batch.Put(stored, _valueWriter.Write(entry.Value), Family);
                }
            }
        }
        _writeOrder.Clear();
        // After the puts: whole expired segments (committed earlier) are removed by the same batch.
        if (SegmentsExpired) DeleteBelow(batch, Prefix, FirstLiveSegment);
        if (ObservedStreamTime != CommittedStreamTime || _nextSequence != _committedNextSequence)
        {
            BinaryPrimitives.WriteInt64BigEndian(_meta, ObservedStreamTime);
            BinaryPrimitives.WriteInt64BigEndian(_meta.AsSpan(8), _nextSequence);
            batch.Put(MetaKey, _meta, Family);
        }
    }

    /// <summary>The lowest segment of the runs' next unwritten entries; false when every run is written.</summary>
    private bool TryNextSegment(out long segment)
    {
        bool found = false;
        segment = 0;
        for (int i = 0; i < _writeOrder.Count; i++)
        {
            ref readonly var run = ref _writeOrder.Item(i);
            if (run.Next == run.Entries.Count) continue;
            long candidate = SegmentId(run.Entries[run.Next].Timestamp);
            if (!found || candidate < segment) (segment, found) = (candidate, true);
        }
        return found;
    }

    public override void Committed()
    {
        bool covers = _coverage.Known(_cache.EverDropped);
        long minLive = MinLiveTime;
        // Spares the last interval's writes did not take are not needed at this rate: dropped, so a burst of keys does
        // not keep up to MaxSpareLists lists for the store's life (review, s12-rocks).
        _spareLists.Clear();
        foreach (var (key, entries) in _pending)
        {
            // TryGet already made the key young; a list updated in place needs no second cache write.
            if (_cache.TryGet(key, out var cached))
            {
                if (MergeCommitted(cached, entries) is var merged && !ReferenceEquals(merged, cached)) _cache.Set(key, merged);
                Recycle(entries); // copied into the cached list, referenced nowhere else
            }
            else if (covers)
            {
                // A cache covering the committed state must hold each newly committed key: its committed entries are
                // exactly the live pending ones just written (the pending list is dropped by ClearPending, so it is reused).
                entries.RemoveRange(0, FirstAtOrAfter(entries, minLive));
                _cache.Set(key, entries);
            }
            else Recycle(entries); // written, and not cached: the cache never held the key
        }
        TimeCommitted();
        _committedNextSequence = _nextSequence;
        ClearPending();
    }

    public override void DiscardPending()
    {
        _cache.Clear();
        _coverage.Forget();
        TimeDiscarded();
        _nextSequence = _committedNextSequence;
        ClearPending();
    }

    /// <summary>
    /// Keeps a committed key's pending list for the next key written: a stream–stream join writes nearly every key again
    /// after each commit, and a fresh list per key per commit was a fifth of the RocksDB rows' extra allocation over the
    /// driver's (issue 19, s12-rocks). Only lists no cache entry references come here; large ones are left to the GC.
    /// </summary>
    private void Recycle(List<Entry> entries)
    {
        if (entries.Capacity > MaxRecycledCapacity || _spareLists.Count >= MaxSpareLists) return;
        entries.Clear();
        _spareLists.Push(entries);
    }

    private void ClearPending()
    {
        _pending.Clear();
        _pendingCount = 0;
        ResetIterator();
    }

    /// <summary>A key's pending entries from <see cref="Next"/> on, still to be written by this commit.</summary>
    private struct PendingRun
    {
        public List<Entry> Entries;
        public int Next;
    }

    private readonly record struct Entry(long Timestamp, long Sequence, TValue Value)
    {
        public bool IsBefore(long timestamp, long sequence) => Timestamp < timestamp || (Timestamp == timestamp && Sequence < sequence);

        public TimestampedValue<TValue> ToValue() => new(Timestamp, Value);
    }
}
