namespace Braid.Embedded;

/// <summary>The life cycle of a <see cref="BraidApplication"/> (Kafka's <c>KafkaStreams.State</c>).</summary>
public enum BraidState
{
    /// <summary>Constructed: logs and state opened, nothing processed.</summary>
    Created,

    /// <summary>Creating tasks, restoring their state and catching up global tables.</summary>
    Rebalancing,

    /// <summary>Stream threads are processing.</summary>
    Running,

    /// <summary>Closing: threads finish their current record, commit and stop.</summary>
    PendingShutdown,

    /// <summary>Closed cleanly.</summary>
    NotRunning,

    /// <summary>Stopped by an error (see <see cref="BraidApplication.Error"/>); committed data is intact.</summary>
    Error,
}

/// <summary>How a stream thread's uncaught exception is handled.</summary>
public enum StreamThreadExceptionResponse
{
    /// <summary>Drop the thread's uncommitted work and restart its tasks from the last commit on a new thread.</summary>
    ReplaceThread,

    /// <summary>Stop the whole application (state <see cref="BraidState.Error"/>).</summary>
    ShutdownApplication,
}

/// <summary>A state change of a <see cref="BraidApplication"/>.</summary>
/// <param name="OldState">The state before.</param>
/// <param name="NewState">The state now.</param>
public sealed record BraidStateChange(BraidState OldState, BraidState NewState);
