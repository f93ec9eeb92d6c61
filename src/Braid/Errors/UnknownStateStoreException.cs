namespace Braid;

/// <summary>No store of the topology has the asked name (Kafka Streams' <c>UnknownStateStoreException</c>); the message lists the stores there are.</summary>
public sealed class UnknownStateStoreException : InvalidStateStoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store asked for.</param>
    /// <param name="message">The message, listing the known stores.</param>
    public UnknownStateStoreException(string store, string message) : base(store, message) { }
}
