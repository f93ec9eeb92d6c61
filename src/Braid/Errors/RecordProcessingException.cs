using Braid.Processors;

namespace Braid;

/// <summary>
/// A record could not be processed or its output produced, and the handler said fail (or there was none):
/// names the task, the node, and the source record's topic, partition and offset, with the user's
/// exception as <see cref="Exception.InnerException"/> (Kafka's <c>FailedProcessingException</c> wrapped in a
/// <c>StreamsException</c>). Every exception that ends a stream thread while it processes a record is one of these.
/// </summary>
public sealed class RecordProcessingException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="context">Where it failed.</param>
    /// <param name="what">What failed, e.g. "processing" or "producing to 'out'".</param>
    /// <param name="inner">The cause.</param>
    public RecordProcessingException(ErrorHandlerContext context, string what, Exception inner)
        : base($"Task {context.TaskId.Subtopology}_{context.TaskId.Partition}, node '{context.NodeName}': {what} failed for the record at " +
            $"{context.Position()} (timestamp {context.Timestamp}): {inner.Message}", inner)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    /// <summary>Where it failed.</summary>
    public ErrorHandlerContext Context { get; }

    /// <summary>The task.</summary>
    public TaskId TaskId => Context.TaskId;

    /// <summary>The node that threw.</summary>
    public string NodeName => Context.NodeName;

    /// <summary>The source topic, or null in a punctuation.</summary>
    public string? Topic => Context.Topic;

    /// <summary>The source partition (-1 when unknown).</summary>
    public int Partition => Context.Partition;

    /// <summary>The source offset (-1 when unknown).</summary>
    public long Offset => Context.Offset;
}
