namespace Braid.RocksDb;

/// <summary>
/// What every RocksDB store of a task shares: its column family and task prefix, the key serde, the read-only
/// rule for views of committed state, and the reused iterator. The stores themselves keep their writes as
/// objects until the backend's commit (<see cref="ICommittable"/>), Kafka's write-back record cache rule
/// (<c>CachingKeyValueStore</c> over <c>NamedCache</c>: one dirty entry per key, reads from memory, written at the
/// commit), without forwarding at flush time (docs/differences.md, "Stores").
/// </summary>
internal abstract class RocksStore<TKey> : ICommittable
{
    // Reused between commits: only this task's commits change this task's keys, and ResetIterator() renews it
    // after each. Read-only views take a fresh one per read, since they must see every new commit.
    private Iterator? _iterator;

    protected RocksStore(RocksDatabase db, TaskId task, string name, Serde<TKey> keySerde, bool readOnly)
    {
        Db = db;
        Family = db.StoreFamily(name);
        Prefix = KeyLayout.DataPrefix(task);
        KeySerde = keySerde;
        ReadOnly = readOnly;
        Name = name;
    }

    public string Name { get; }

    public bool IsPersistent => true;

    public abstract long PendingBytes { get; }

    protected RocksDatabase Db { get; }

    protected ColumnFamilyHandle Family { get; }

    /// <summary>This task's data prefix, <c>[task][0x01]</c> (<see cref="KeyLayout"/>).</summary>
    protected byte[] Prefix { get; }

    protected Serde<TKey> KeySerde { get; }

    /// <summary>A read-only view of committed state (interactive queries), never written through.</summary>
    protected bool ReadOnly { get; }

    public abstract void WritePending(WriteBatch batch);

    public abstract void Committed();

    public abstract void DiscardPending();

    /// <summary>Reloads the metadata reads depend on (observed stream time, sequence) as last committed; read-only
    /// views call it before each time-bounded read. None for a key–value store.</summary>
    internal virtual void LoadCommittedMetadata() { }

    /// <summary>No-op: durability comes from the backend's commit, which writes every store at once.</summary>
    public void Flush() { }

    public void Close() => ResetIterator();

    protected Iterator AcquireIterator() => ReadOnly ? Db.NewIterator(Family) : _iterator ??= Db.NewIterator(Family);

    protected void ReleaseIterator(Iterator iterator)
    {
        if (ReadOnly) iterator.Dispose();
    }

    protected void ResetIterator()
    {
        _iterator?.Dispose();
        _iterator = null;
    }

    protected void ThrowIfReadOnly()
    {
        if (ReadOnly) throw new InvalidOperationException($"Store '{Name}' is a read-only view of committed state; write through the task's store.");
    }
}
