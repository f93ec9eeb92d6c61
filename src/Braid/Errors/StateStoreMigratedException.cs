namespace Braid;

/// <summary>
/// The store (or the asked partition of it) is not queryable on this instance now: a rebalance moved its task away,
/// or its task is still restoring (Kafka Streams' <c>StateStoreMigratedException</c> and "may have migrated to another
/// instance"). Transient: find the current host with the routing metadata and retry.
/// </summary>
public sealed class StateStoreMigratedException : InvalidStateStoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store asked for.</param>
    /// <param name="message">The message, saying why and what to do.</param>
    public StateStoreMigratedException(string store, string message) : base(store, message) { }
}
