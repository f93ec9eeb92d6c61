namespace Braid;

/// <summary>
/// Stores cannot be queried in the application's current state: not started yet, shutting down, stopped or failed
/// (Kafka Streams' <c>StreamsNotStartedException</c> and <c>StateStoreNotAvailableException</c>). Retrying does not
/// help until the application runs.
/// </summary>
public sealed class StateStoreNotAvailableException : InvalidStateStoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store asked for.</param>
    /// <param name="message">The message, naming the application state.</param>
    public StateStoreNotAvailableException(string store, string message) : base(store, message) { }
}
