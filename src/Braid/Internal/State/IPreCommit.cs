namespace Braid.Internal.State;

/// <summary>
/// A processor's writes deferred to the commit: <see cref="PreCommit"/> runs right before the task's stores write their
/// pending writes into the commit batch, so what it writes is committed atomically with the input offsets of that commit.
/// <para>Why: Kafka flushes its record cache at the same moment (ProcessorStateManager.flush, called by TaskManager.commit
/// before the changelog and offsets are committed), so state that lives for less than a commit interval never reaches
/// the store. A stream–stream join's held records are the case here (<c>HeldRecords</c>): most are released or matched
/// within one interval, and only the ones still held at a commit need to be durable.</para>
/// <para>Crash safety: before the commit's single write nothing of it is durable (neither these writes nor the offsets),
/// so a crash re-reads the same input into the same in-memory state; after it, the store holds exactly what was live.</para>
/// </summary>
internal interface IPreCommit
{
    /// <summary>Writes the deferred state into the store(s) it belongs to. Runs once per commit of the task.</summary>
    void PreCommit();
}

/// <summary>
/// A store whose commits run a hook first (a RocksDB store of a task state: every host's commit reaches it through the
/// backend's one commit method). A store without it (in-memory, change-logged) is written through.
/// </summary>
internal interface IPreCommitStore
{
    /// <summary>Runs <paramref name="hook"/> before each commit of this store; one hook per store.</summary>
    void AddPreCommit(IPreCommit hook);

    /// <summary>
    /// How many entries a hook may keep in memory for this store past a commit (the store's own cache size): a deferring
    /// processor whose state outgrows it goes back to writing through, so its memory stays bounded like the store's.
    /// </summary>
    int DeferredEntries { get; }
}
