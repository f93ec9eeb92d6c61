namespace Braid;

/// <summary>Base type of every error Braid raises on purpose.</summary>
public class StreamsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="inner">The cause, if any.</param>
    public StreamsException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The topology is invalid: an unknown store, a duplicate name, a missing serde, …</summary>
public sealed class TopologyException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the node or store.</param>
    public TopologyException(string message) : base("Invalid topology: " + message) { }
}

/// <summary>A topic that the topology does not know was used.</summary>
public sealed class UnknownTopicException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="topic">The unknown topic.</param>
    /// <param name="detail">Extra context.</param>
    public UnknownTopicException(string topic, string detail)
        : base($"Unknown topic '{topic}': {detail}") => Topic = topic;

    /// <summary>The unknown topic.</summary>
    public string Topic { get; }
}

/// <summary>A configuration value is missing or invalid.</summary>
public sealed class ConfigException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The configuration key.</param>
    /// <param name="message">Why the value is wrong.</param>
    public ConfigException(string key, string message) : base($"Invalid configuration '{key}': {message}") => Key = key;

    /// <summary>The configuration key.</summary>
    public string Key { get; }
}

