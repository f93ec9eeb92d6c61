using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// A RocksDB key–value store's one map of what it knows in memory: committed values (and committed absences) read or
/// written before, and the writes pending since the last commit, as dirty entries of the same map. Kafka Streams'
/// record cache does the same (<c>NamedCache</c>: one map of <c>LRUCacheEntry</c>s flagged dirty, a <c>dirtyKeys</c> set
/// in arrival order; <c>flush</c> hands the dirty entries to <c>CachingKeyValueStore</c>, marks them clean and then
/// removes the deleted ones). Until session 15 the store kept pending writes in a second dictionary in front of this
/// cache and copied each into the cache after the commit: two lookups per read and 2–3 hash operations per written key
/// at every commit (9 % of the RocksDB foreign-key join's loop, issue 19, session 14).
/// <list type="bullet">
/// <item>An entry is pending when its <see cref="Entry.Epoch"/> is the current commit epoch (it was written since the
/// last commit; listed once in <see cref="WrittenKeys"/>) and <see cref="Entry.Written"/> is set. A successful commit
/// makes every pending entry clean at once by moving to the next epoch (<see cref="Committed"/>): no walk, no copy.
/// Unlike Kafka's flush, which marks entries clean before it writes them, nothing changes before the commit's batch is
/// durable, so a failed commit retried without a discard writes the same entries again.</item>
/// <item>Two generations approximate LRU as the committed-value cache always did (hits in the old one are promoted; when
/// the young one is full the old one is dropped). A pending entry is never dropped: Kafka's eviction flushes a dirty entry
/// to the store, which here would put it on disk outside the commit's one batch. It moves to a third map, the
/// <em>pinned</em> entries (each pending entry at most once per commit, so a commit of more keys than the cache holds
/// costs a copy per key, not one per generation change), which the commit empties: its entries are committed then, and
/// dropped like any entry over capacity.</item>
/// <item><see cref="Clear"/> (a discarded commit) drops everything: committed values were overwritten in place by the
/// pending writes, so none of them can be trusted any longer (the store reads RocksDB again).</item>
/// </list>
/// Not thread-safe; one per store.
/// </summary>
internal sealed class WriteBackCache<TKey, TValue>
{
    private readonly int _generationCapacity;
    private Dictionary<TKey, Entry> _young = StoreDictionary.Create<TKey, Entry>();
    private Dictionary<TKey, Entry> _old = StoreDictionary.Create<TKey, Entry>();
    // Pending entries of dropped generations, until the commit (empty but for commits of more keys than the cache holds).
    private readonly Dictionary<TKey, Entry> _pinned = StoreDictionary.Create<TKey, Entry>();
    private readonly List<TKey> _written = new();
    private readonly List<TKey> _deleted = new();
    private uint _epoch;

    public WriteBackCache(int capacity)
    {
        _generationCapacity = capacity / 2;
        _epoch = 1; // 0 is no commit's: a new entry (epoch 0) is never pending
    }

    /// <summary>Entries the cache keeps, both generations (what it was created with, rounded down to even).</summary>
    public int Capacity => _generationCapacity * 2;

    /// <summary>Whether committed values are kept (a read-only view's or a zero-capacity cache keeps pending writes only).</summary>
    public bool Enabled => _generationCapacity > 0;

    /// <summary>Whether a generation change ever dropped a committed value: from then on a miss says nothing about the
    /// committed state (<see cref="CacheCoverage"/>). Dropped committed absences do not count: a miss says absent, as they did.</summary>
    public bool EverDropped { get; private set; }

    /// <summary>Keys written since the last commit, each once, in first-write order (Kafka's <c>dirtyKeys</c>); an entry
    /// listed here may have lost its pending write since (a fresh delete): <see cref="IsPending"/> says.</summary>
    public List<TKey> WrittenKeys => _written;

    /// <summary>The current commit epoch (tests).</summary>
    internal uint Epoch => _epoch;

    /// <summary>Moves to a later epoch with nothing pending (tests: the wrap after 2^32 commits).</summary>
    internal void SkipToEpoch(uint epoch)
    {
        if (_written.Count > 0) throw new InvalidOperationException("Writes are pending.");
        _epoch = epoch;
    }

    /// <summary>Entries held, both generations (tests).</summary>
    internal int Count => _young.Count + _old.Count + _pinned.Count;

    /// <summary>Pending entries moved out of the generations (tests).</summary>
    internal int PinnedCount => _pinned.Count;

    public bool IsPending(in Entry entry) => entry.Epoch == _epoch && entry.Written;

    /// <summary>The key's entry, promoted to the young generation when found in the old one; a null ref when absent.
    /// The ref is valid until the next call that adds or removes an entry.</summary>
    public ref Entry Find(TKey key)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_young, key);
        if (!Unsafe.IsNullRef(ref entry)) return ref entry;
        if (!_old.Remove(key, out var promoted))
            return ref _pinned.Count == 0 ? ref Unsafe.NullRef<Entry>() : ref CollectionsMarshal.GetValueRefOrNullRef(_pinned, key);
        MakeRoom();
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_young, key, out _);
        slot = promoted;
        return ref slot;
    }

    /// <summary>The key's entry without promotion (a commit's or a scan's walk over pending keys); a null ref when absent.</summary>
    public ref Entry Peek(TKey key)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_young, key);
        if (!Unsafe.IsNullRef(ref entry)) return ref entry;
        entry = ref CollectionsMarshal.GetValueRefOrNullRef(_old, key);
        return ref Unsafe.IsNullRef(ref entry) && _pinned.Count > 0 ? ref CollectionsMarshal.GetValueRefOrNullRef(_pinned, key) : ref entry;
    }

    /// <summary>Adds an empty entry for a key <see cref="Find"/> did not find.</summary>
    public ref Entry Add(TKey key)
    {
        MakeRoom();
        return ref CollectionsMarshal.GetValueRefOrAddDefault(_young, key, out _);
    }

    /// <summary>Caches a committed value or absence read from RocksDB for a key <see cref="Find"/> did not find.</summary>
    public void AddCommitted(TKey key, bool present, TValue value)
    {
        if (!Enabled) return;
        ref var entry = ref Add(key);
        entry = new Entry { Value = value, Present = present };
    }

    /// <summary>
    /// Marks <paramref name="entry"/> (of <paramref name="key"/>) written; the caller then sets its value or absence.
    /// The first write since the commit lists the key and decides its freshness: the committed state holds no value for
    /// the key when the entry was a clean absence, or — an entry just added — when <paramref name="freshIfAdded"/>.
    /// Returns whether the entry was not pending before (a first write, or a write after a fresh delete dropped one).
    /// </summary>
    public bool BeginWrite(ref Entry entry, TKey key, bool added, bool freshIfAdded)
    {
        if (entry.Epoch != _epoch)
        {
            entry.Fresh = added ? freshIfAdded : !entry.Present;
            entry.Epoch = _epoch;
            entry.Written = false;
            _written.Add(key);
        }
        bool wasPending = entry.Written;
        entry.Written = true;
        return !wasPending;
    }

    /// <summary>The key may be absent once committed (a delete, pending or dropped): <see cref="Committed"/> may remove it.</summary>
    public void NoteDeleted(TKey key) => _deleted.Add(key);

    /// <summary>
    /// The commit's batch is durable: every pending entry is clean from now on (the epoch moves). While the cache covers
    /// the committed state a deleted key's absence is not kept (a miss says absent; cached absences would fill the cache
    /// and drop values — Kafka's <c>NamedCache.flush</c> also removes the deleted entries after the flush).
    /// </summary>
    public void Committed(bool removeAbsences)
    {
        if (!Enabled)
        {
            // Nothing clean is kept: the entries were the pending writes only.
            _young.Clear();
            _old.Clear();
        }
        else if (removeAbsences)
        {
            foreach (var key in _deleted)
            {
                ref var entry = ref Peek(key);
                if (!Unsafe.IsNullRef(ref entry) && !entry.Present && !_young.Remove(key) && !_old.Remove(key)) _pinned.Remove(key);
            }
        }
        if (_pinned.Count > 0)
        {
            // Committed now, and over the cache's capacity: dropped, as a generation change would have dropped them.
            foreach (var entry in _pinned.Values) EverDropped |= entry.Present;
            _pinned.Clear();
        }
        _deleted.Clear();
        _written.Clear();
        NextEpoch();
    }

    /// <summary>Drops everything: pending writes and the committed values they replaced (a discarded commit).</summary>
    public void Clear()
    {
        _young.Clear();
        _old.Clear();
        _pinned.Clear();
        _written.Clear();
        _deleted.Clear();
        EverDropped = false; // nothing is held, so nothing held was dropped
        NextEpoch();
    }

    private void NextEpoch()
    {
        if (++_epoch != 0) return;
        // Wrapped (2^32 commits): an entry last written 2^32 commits ago would read as pending. Nothing is pending now,
        // so every held entry is set to epoch 0, which no commit uses.
        _epoch = 1;
        foreach (var generation in (ReadOnlySpan<Dictionary<TKey, Entry>>)[_young, _old])
            foreach (var key in generation.Keys) CollectionsMarshal.GetValueRefOrNullRef(generation, key).Epoch = 0;
    }

    /// <summary>Changes generation when the young one is full: the old one is dropped but for its pending entries, which
    /// are pinned until the commit.</summary>
    private void MakeRoom()
    {
        if (!Enabled || _young.Count < _generationCapacity) return;
        (_old, _young) = (_young, _old);
        foreach (var (key, entry) in _young)
        {
            if (entry.Epoch == _epoch) _pinned.Add(key, entry);
            else if (entry.Present) EverDropped = true;
        }
        _young.Clear();
    }

    /// <summary>
    /// What the store knows of a key. <c>Present</c>/<c>Value</c>: the merged view (a pending write's, else the committed
    /// value's). Meaningful while <c>Epoch</c> is the cache's: <c>Written</c> (a pending put or delete; cleared by a fresh
    /// delete that dropped the write), <c>Fresh</c> (the committed state holds no value for the key). <c>KeyBytes</c>: the
    /// key serialized, once a scan's index needed it (kept: a key's bytes never change).
    /// </summary>
    internal struct Entry
    {
        public TValue Value;
        public byte[]? KeyBytes;
        public uint Epoch;
        public bool Present;
        public bool Written;
        public bool Fresh;
    }
}
