namespace Braid.RocksDb;

/// <summary>
/// What every read-only view of committed state shares (interactive queries, from any thread): the wrapped store is
/// opened read-only (no pending writes, no cache, a fresh iterator per scan) and reused by every call, so calls are
/// serialized with a lock (the store reuses a key buffer). Writes go to the store, which throws.
/// </summary>
internal abstract class CommittedView<TKey, TStore>(TStore store)
    where TStore : RocksStore<TKey>
{
    private readonly Lock _lock = new();

    public string Name => store.Name;

    public bool IsPersistent => true;

    /// <summary>For writes only: a read-only store throws on every write.</summary>
    protected TStore Store => store;

    public void Flush() { }

    public void Close() { }

    /// <summary>A read under the view's lock.</summary>
    protected T Read<T>(Func<TStore, T> read)
    {
        lock (_lock) return read(store);
    }

    /// <summary>A read under the view's lock that depends on stream time: the last commit's metadata is reloaded first.</summary>
    protected T ReadAtCommittedTime<T>(Func<TStore, T> read)
    {
        lock (_lock)
        {
            store.LoadCommittedMetadata();
            return read(store);
        }
    }
}
