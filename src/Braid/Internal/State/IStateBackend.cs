using Braid.Processors;

namespace Braid.Internal.State;

/// <summary>
/// Durable home of the state of all tasks a host runs (the embedded runtime and the Kafka runtime use
/// it; the test driver does not). One backend per application state directory.
/// <para>
/// Why commits take the task list: stream threads process different tasks concurrently, and a commit
/// must persist exactly the state changes of the tasks whose input offsets it records, together with
/// those offsets — never another thread's half-processed state. A commit is one atomic write: either all
/// of it survives a kill -9, or none of it does.
/// </para>
/// </summary>
internal interface IStateBackend : IDisposable
{
    /// <summary>Opens (creating or reopening) the state of one task. Stores built through
    /// <see cref="ITaskState.Stores"/> read their committed contents plus the task's pending writes.</summary>
    ITaskState OpenTask(TaskId taskId);

    /// <summary>
    /// Atomically persists the pending writes of <paramref name="tasks"/> and the host metadata entries
    /// (input offsets, output high-water marks, stream time...). A null metadata value deletes the entry.
    /// After return the pending writes of those tasks are empty.
    /// </summary>
    void Commit(IReadOnlyCollection<ITaskState> tasks, IReadOnlyDictionary<string, byte[]?> metadata);

    /// <summary>The committed value of a metadata entry, or null when absent.</summary>
    byte[]? ReadMetadata(string key);

    /// <summary>All committed metadata entries whose key starts with <paramref name="prefix"/>.</summary>
    IEnumerable<KeyValuePair<string, byte[]>> ReadMetadataPrefix(string prefix);
}

/// <summary>The state of one task inside an <see cref="IStateBackend"/>.</summary>
internal interface ITaskState : IDisposable
{
    TaskId TaskId { get; }

    /// <summary>Builds this task's stores; writes stay pending until the backend commits them.</summary>
    IStoreFactory Stores { get; }

    /// <summary>Builds read-only views of the same stores that show committed data only (interactive
    /// queries must never see writes a crash could still undo). Writes through these views throw.</summary>
    IStoreFactory CommittedStores { get; }

    /// <summary>Approximate bytes of pending (uncommitted) writes, so a host can commit early under memory pressure.</summary>
    long PendingBytes { get; }

    /// <summary>Drops pending writes and cached values (used when a task is closed dirty and rebuilt).</summary>
    void DiscardPending();
}
