namespace Braid.Kafka;

/// <summary>The Kafka cluster could not be reached, or did not answer, within the configured timeout.</summary>
public sealed class KafkaUnavailableException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was tried and for how long.</param>
    /// <param name="inner">The client error, if any.</param>
    public KafkaUnavailableException(string message, Exception? inner = null) : base("Kafka unavailable: " + message, inner) { }
}
