namespace Braid;

/// <summary>
/// Persistent state could not be read or written: an I/O error, a corrupt database, a failed commit.
/// The message names the state directory, so an operator knows what to inspect, restore or delete.
/// </summary>
public class StateStoreException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The state directory (or database path) concerned.</param>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="inner">The cause, if any.</param>
    public StateStoreException(string path, string message, Exception? inner = null)
        : base($"State at '{path}': {message}", inner) => Path = path;

    /// <summary>The state directory (or database path) concerned.</summary>
    public string Path { get; }
}

/// <summary>
/// The state directory is already in use by another process, or by another instance in this process.
/// Two instances must never share a state directory: give each its own, or stop the other one first.
/// </summary>
public sealed class StateDirectoryLockedException : StateStoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The locked state directory.</param>
    /// <param name="inner">The storage engine's error.</param>
    public StateDirectoryLockedException(string path, Exception? inner = null)
        : base(path, "the directory is locked by another process or another instance in this process; " +
                     "each application instance needs its own state directory.", inner) { }
}
