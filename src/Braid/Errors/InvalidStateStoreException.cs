namespace Braid;

/// <summary>
/// An interactive query cannot use a store (Kafka Streams' <c>InvalidStateStoreException</c>): this type itself when
/// the store exists but is not of the asked type (the message names the store, what it is and what was asked);
/// subclasses for an unknown store, a store not queryable now, and a store that moved to another instance.
/// Every host (test driver, embedded runtime, Kafka) throws the same types with the same wording.
/// </summary>
public class InvalidStateStoreException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store asked for.</param>
    /// <param name="message">What is wrong and what to do.</param>
    public InvalidStateStoreException(string store, string message) : base(message) => Store = store;

    /// <summary>The store asked for.</summary>
    public string Store { get; }
}
