namespace Braid.RocksDb;

/// <summary>
/// One task's state in a <see cref="RocksDbStateBackend"/>: the stores built through <see cref="Stores"/>
/// register here, so a commit of the task writes all of them. Used by one thread at a time (the thread
/// that runs the task); committed views may be read from any thread.
/// </summary>
internal sealed class RocksTaskState : ITaskState
{
    private readonly RocksDbStateBackend _backend;
    private readonly Dictionary<string, ICommittable> _stores = new(StringComparer.Ordinal);
    private bool _disposed;

    public RocksTaskState(RocksDbStateBackend backend, TaskId taskId)
    {
        _backend = backend;
        TaskId = taskId;
        Stores = new RocksStoreFactory(this, committedOnly: false);
        CommittedStores = new RocksStoreFactory(this, committedOnly: true);
    }

    public TaskId TaskId { get; }

    public IStoreFactory Stores { get; }

    public IStoreFactory CommittedStores { get; }

    internal RocksDatabase Database => _backend.Database;

    internal int CacheEntries => _backend.Options.CacheEntriesPerStore;

    internal RocksDbStateBackend Backend => _backend;

    public long PendingBytes
    {
        get
        {
            long total = 0;
            foreach (var store in _stores.Values) total += store.PendingBytes;
            return total;
        }
    }

    /// <summary>Adds a store to the task's commits; a store built again under the same name replaces the old one.</summary>
    internal void Register(ICommittable store)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stores.Remove(store.Name, out var previous)) previous.Close();
        _stores.Add(store.Name, store);
    }

    /// <summary>Runs the stores' pre-commit hooks (a join's held records still held): before any store writes, so every
    /// hook's writes are in the batch whichever store they go to.</summary>
    internal void BeforeCommit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var store in _stores.Values) store.BeforeCommit();
    }

    internal void WritePending(WriteBatch batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var store in _stores.Values) store.WritePending(batch);
    }

    internal void Committed()
    {
        foreach (var store in _stores.Values) store.Committed();
    }

    public void DiscardPending()
    {
        foreach (var store in _stores.Values) store.DiscardPending();
    }

    /// <summary>Closes the stores; pending writes are dropped (commit first to keep them).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var store in _stores.Values) store.Close();
        _stores.Clear();
        _backend.Release(this);
    }
}
