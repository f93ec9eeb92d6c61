namespace Braid.Internal.Runtime;

/// <summary>
/// A host's signal that the task must stop now and must not be handled as a record failure (a fenced producer,
/// a lost partition): never handed to the processing or production handler. Hosts derive their own.
/// </summary>
internal class HostFatalException(string message, Exception? inner = null) : StreamsException(message, inner);
