namespace Braid.RocksDb;

/// <summary>
/// Whether a store's value cache holds the whole committed state of its task, so that a key the cache does not hold
/// has no committed entries and a read of it needs no RocksDB seek. Kafka's record cache cannot know this
/// (<c>CachingWindowStore.fetch</c> merges every cache range with an underlying <c>RocksDBWindowStore</c> fetch —
/// <c>MergedSortedCacheWindowStoreIterator</c> — because <c>ThreadCache</c> evicts across stores and <c>NamedCache</c>
/// flushes dirty entries on eviction); ours can, in one case that is the whole life of a new task's state:
/// <list type="bullet">
/// <item>learned once (<see cref="Learn"/>: one seek): the task's data range is empty — a new store, or one whose
/// entries all expired and were range-deleted;</item>
/// <item>kept by the commits: every key a commit writes goes into the cache with its committed entries (a cache that
/// covers the committed state must hold each newly committed key), so the state the cache covers grows with it;</item>
/// <item>lost when the cache drops entries (more keys than its capacity: <see cref="ValueCache{TKey,TValue}.EverDropped"/>
/// for key-value stores, the window store's own flag set in its <c>DropOverCapacity</c>), until <c>DiscardPending</c>
/// clears the cache (which resets that flag) and <see cref="Forget"/>s
/// it: the next miss learns it again with one seek, so a store whose range is empty again covers again.</item>
/// </list>
/// Only this store's own object writes the task's range (read-only views never write; <c>DeleteTask</c> refuses an
/// open task; a store built again under the same name is a new object that learns again), so nothing else can add a
/// committed key behind the cache's back. Reads it answers: absence, which is what RocksDB would have said.
/// </summary>
internal struct CacheCoverage
{
    private State _state;

    private enum State : byte { Unknown, Complete, Partial }

    /// <summary>Whether a cache miss means "no committed entries" (learning it first, with one seek, if not known).</summary>
    public bool CoversAll(RocksDatabase db, ColumnFamilyHandle family, byte[] prefix, bool cacheDropped)
    {
        if (cacheDropped) _state = State.Partial;
        if (_state == State.Unknown) _state = Learn(db, family, prefix) ? State.Complete : State.Partial;
        return _state == State.Complete;
    }

    /// <summary>Whether the cache is known to cover the committed state now, without learning (commits ask this).</summary>
    public readonly bool Known(bool cacheDropped) => _state == State.Complete && !cacheDropped;

    /// <summary>The cache was cleared (pending writes discarded): learn again at the next miss.</summary>
    public void Forget() => _state = State.Unknown;

    /// <summary>Whether the task holds no committed entry at all in <paramref name="family"/> (the data prefix, metadata excluded).</summary>
    private static bool Learn(RocksDatabase db, ColumnFamilyHandle family, byte[] prefix)
    {
        using var iterator = db.NewIterator(family);
        iterator.Seek(prefix);
        bool empty = !(iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix));
        db.ThrowIfFailed(iterator);
        return empty;
    }
}
