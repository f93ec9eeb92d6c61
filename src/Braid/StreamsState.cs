namespace Braid;

/// <summary>
/// The life cycle of an application on any host (Kafka Streams' <c>KafkaStreams.State</c>): the embedded
/// runtime and the Kafka runtime report the same states, so a state listener works unchanged on both.
/// </summary>
public enum StreamsState
{
    /// <summary>Constructed, nothing processed yet.</summary>
    Created,

    /// <summary>Tasks are being created, assigned, revoked or restored (and global tables caught up).</summary>
    Rebalancing,

    /// <summary>Every task is restored and processing.</summary>
    Running,

    /// <summary>Closing: threads finish their current record, commit and stop.</summary>
    PendingShutdown,

    /// <summary>Closed cleanly.</summary>
    NotRunning,

    /// <summary>Stopped by an error it could not recover from; committed data is intact.</summary>
    Error,
}

/// <summary>A state change, as both runtimes' <c>StateChanged</c> events report it.</summary>
/// <param name="OldState">The state before.</param>
/// <param name="NewState">The state now.</param>
public sealed record StreamsStateChange(StreamsState OldState, StreamsState NewState);
