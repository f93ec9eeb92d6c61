namespace Braid.Serialization;

/// <summary>Bytes could not be turned into a value, or a value into bytes.</summary>
public sealed class SerializationException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public SerializationException(string message, Exception? inner = null) : base(message, inner) { }
}
