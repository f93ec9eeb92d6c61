namespace Braid.Embedded;

/// <summary>How a stream thread's uncaught exception is handled.</summary>
public enum StreamThreadExceptionResponse
{
    /// <summary>Drop the thread's uncommitted work and restart its tasks from the last commit on a new thread.</summary>
    ReplaceThread,

    /// <summary>Stop the whole application (state <see cref="StreamsState.Error"/>).</summary>
    ShutdownApplication,
}

