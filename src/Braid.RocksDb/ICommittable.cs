namespace Braid.RocksDb;

/// <summary>A store's part in a backend commit. Stores keep their writes as objects until then.</summary>
internal interface ICommittable
{
    string Name { get; }

    /// <summary>Approximate bytes the pending writes will take once serialized.</summary>
    long PendingBytes { get; }

    /// <summary>Runs before any store of the task writes its pending writes into a commit batch: a processor's
    /// deferred writes (<see cref="Braid.Internal.State.IPreCommit"/>) become pending writes of this commit.</summary>
    void BeforeCommit() { }

    /// <summary>Serializes the pending writes into <paramref name="batch"/>. Must not change the store:
    /// the batch may still fail to commit, and then the writes stay pending.</summary>
    void WritePending(WriteBatch batch);

    /// <summary>The batch is durable: pending writes are now committed state.</summary>
    void Committed();

    /// <summary>Forgets pending writes and cached values; reads see the committed state again.</summary>
    void DiscardPending();

    void Close();
}
