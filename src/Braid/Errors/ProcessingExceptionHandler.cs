using Microsoft.Extensions.Logging;

namespace Braid;

/// <summary>
/// Decides what happens when user code — a mapper, predicate, joiner, aggregator, processor or punctuator —
/// throws while a record is processed (Kafka Streams' <c>ProcessingExceptionHandler</c>, KIP-1033). Called at
/// the node that threw, with the record as that node received it; <see cref="ErrorHandlerResponse.Continue"/>
/// drops the record at that node only (its siblings still receive it). The built-in handlers also write the
/// source record to <see cref="StreamsConfig.DeadLetterQueueTopic"/> when it is set (KIP-1034). Storage
/// failures (<see cref="StateStoreException"/>) are never handed here: they are not the record's fault.
/// </summary>
public abstract class ProcessingExceptionHandler
{
    /// <summary>Fails the task (the default), after writing the dead-letter record if a dead-letter topic is set.</summary>
    public static ProcessingExceptionHandler LogAndFail { get; } = new Builtin(ErrorHandlerResponse.Fail, null);

    /// <summary>Logs a warning, writes the dead-letter record if a dead-letter topic is set, and skips the record.</summary>
    /// <param name="logger">Where to log; nowhere when not given.</param>
    /// <returns>The handler.</returns>
    public static ProcessingExceptionHandler LogAndContinue(ILogger? logger = null) => new Builtin(ErrorHandlerResponse.Continue, logger);

    /// <summary>Decides what to do.</summary>
    /// <param name="context">Where the record failed.</param>
    /// <param name="key">The key of the record as the failing node received it (boxed).</param>
    /// <param name="value">The value of the record as the failing node received it (boxed).</param>
    /// <param name="exception">What user code threw.</param>
    /// <returns>The decision.</returns>
    public abstract ErrorHandlerResult Handle(ErrorHandlerContext context, object? key, object? value, Exception exception);

    private sealed class Builtin(ErrorHandlerResponse response, ILogger? logger) : ProcessingExceptionHandler
    {
        public override ErrorHandlerResult Handle(ErrorHandlerContext context, object? key, object? value, Exception exception)
        {
            logger?.LogWarning(exception, "Node {Node} of task {Task} failed on the record at {Position}; {Action}.",
                context.NodeName, context.TaskId, context.Position(), response == ErrorHandlerResponse.Fail ? "failing" : "skipping it");
            return context.DeadLetterQueueTopic is { } dlq
                ? new ErrorHandlerResult(response, [context.ToDeadLetter(dlq, exception)])
                : response == ErrorHandlerResponse.Fail ? ErrorHandlerResult.Fail : ErrorHandlerResult.Continue;
        }
    }
}
