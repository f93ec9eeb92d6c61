namespace Braid;

/// <summary>Why a running application's diagnostics could not be reached.</summary>
public enum DiagnosticsUnavailableReason
{
    /// <summary>No diagnostics socket in the state directory: the application is not running there, or it runs with its diagnostics socket off.</summary>
    NoSocket,

    /// <summary>Several applications run in the state directory and none was named.</summary>
    Ambiguous,

    /// <summary>The socket file is there but nothing answers: the application that created it was killed.</summary>
    Stale,

    /// <summary>The application closed (its socket went away, or it hung up in the middle of a request).</summary>
    Closed,

    /// <summary>The application answered with another protocol version (a different Braid version) or malformed data.</summary>
    Protocol,

    /// <summary>Attaching through a Kafka cluster: the bootstrap servers did not answer within the timeout.</summary>
    Unreachable,

    /// <summary>Attaching through a Kafka cluster: the cluster has no application with this id (no instances topic, no consumer group).</summary>
    UnknownApplication,
}

/// <summary>
/// A running application's diagnostics could not be reached — its diagnostics socket (<c>braid ui --state-dir</c>, any
/// host) or its Kafka cluster (<c>braid ui --bootstrap-servers</c>); <see cref="Reason"/> says why and the message names
/// the socket or the cluster.
/// </summary>
public sealed class DiagnosticsUnavailableException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="message">What was tried, naming the socket or directory.</param>
    /// <param name="inner">The socket error, if any.</param>
    public DiagnosticsUnavailableException(DiagnosticsUnavailableReason reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    /// <summary>Why the diagnostics could not be reached.</summary>
    public DiagnosticsUnavailableReason Reason { get; }
}
