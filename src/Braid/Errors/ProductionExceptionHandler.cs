using Microsoft.Extensions.Logging;

namespace Braid;

/// <summary>Why an output record could not be produced.</summary>
public enum ProductionFailure
{
    /// <summary>The sink's key or value serde threw.</summary>
    Serialization,

    /// <summary>The host refused or could not deliver the serialized record (too large, no such partition, broker error).</summary>
    Send,
}

/// <summary>An output record that could not be produced.</summary>
/// <param name="Topic">The output topic.</param>
/// <param name="Key">The key bytes (null when the key itself failed to serialize, or is null).</param>
/// <param name="Value">The value bytes (null when the value failed to serialize, or is a tombstone).</param>
/// <param name="Timestamp">The record timestamp.</param>
/// <param name="Failure">Serialization or send.</param>
public sealed record FailedOutput(string Topic, byte[]? Key, byte[]? Value, long Timestamp, ProductionFailure Failure);

/// <summary>
/// Decides what happens when an output record cannot be serialized or sent (Kafka Streams'
/// <c>ProductionExceptionHandler</c>). The context names the sink node and the source record whose processing
/// produced the output; the built-ins write that source record to <see cref="StreamsConfig.DeadLetterQueueTopic"/>
/// when it is set (KIP-1034).
/// </summary>
public abstract class ProductionExceptionHandler
{
    /// <summary>Fails the task (the default).</summary>
    public static ProductionExceptionHandler LogAndFail { get; } = new Builtin(ErrorHandlerResponse.Fail, null);

    /// <summary>Logs a warning and drops the output record.</summary>
    /// <param name="logger">Where to log; nowhere when not given.</param>
    /// <returns>The handler.</returns>
    public static ProductionExceptionHandler LogAndContinue(ILogger? logger = null) => new Builtin(ErrorHandlerResponse.Continue, logger);

    /// <summary>Decides what to do.</summary>
    /// <param name="context">The sink node and the source record being processed.</param>
    /// <param name="output">The record that could not be produced.</param>
    /// <param name="exception">The serde's or the host's error.</param>
    /// <returns>The decision.</returns>
    public abstract ErrorHandlerResult Handle(ErrorHandlerContext context, FailedOutput output, Exception exception);

    private sealed class Builtin(ErrorHandlerResponse response, ILogger? logger) : ProductionExceptionHandler
    {
        public override ErrorHandlerResult Handle(ErrorHandlerContext context, FailedOutput output, Exception exception)
        {
            logger?.LogWarning(exception, "Sink {Node} could not produce to {Topic} ({Failure}) while processing {Position}; {Action}.",
                context.NodeName, output.Topic, output.Failure, context.Position(), response == ErrorHandlerResponse.Fail ? "failing" : "dropping it");
            return context.DeadLetterQueueTopic is { } dlq
                ? new ErrorHandlerResult(response, [context.ToDeadLetter(dlq, exception)])
                : response == ErrorHandlerResponse.Fail ? ErrorHandlerResult.Fail : ErrorHandlerResult.Continue;
        }
    }
}
