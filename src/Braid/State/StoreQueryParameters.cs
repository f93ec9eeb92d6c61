namespace Braid.State;

/// <summary>
/// Options of an interactive query (Kafka Streams' <c>StoreQueryParameters</c>): which partition to read, and whether
/// a copy that may lag behind the active task (a standby replica, or an active task still restoring) may answer.
/// </summary>
public sealed record StoreQueryParameters
{
    /// <summary>Read only this partition of the store (null: every partition this instance holds).
    /// A partition the store does not have is an <see cref="InvalidStateStoreException"/>; one held elsewhere a
    /// <see cref="StateStoreMigratedException"/>.</summary>
    public int? Partition { get; init; }

    /// <summary>
    /// Let stale copies answer (Kafka's <c>enableStaleStores()</c>): standby replicas and active tasks still restoring
    /// their changelog, which can lag behind the active copy (see the Kafka host's store lags). Default false: only
    /// running active tasks answer. The test driver and the embedded runtime have no stale copies: there it changes nothing.
    /// </summary>
    public bool EnableStaleStores { get; init; }
}
