using Braid.Internal.Nodes;
using Microsoft.Extensions.Logging;

namespace Braid.Internal.Runtime;

/// <summary>
/// The one place that decides what happens when a record fails, for every host (KIP-1033 / KIP-1034):
/// user-code exceptions go to <see cref="StreamsConfig.ProcessingExceptionHandler"/> at the node that threw
/// (Kafka's <c>ProcessorNode.process</c>), output that cannot be serialized or sent goes to
/// <see cref="StreamsConfig.ProductionExceptionHandler"/> (Kafka's <c>RecordCollectorImpl.send</c>), dead-letter
/// records are sent through the task's collector (so they commit with the task's output), and anything that
/// still ends the task is a <see cref="RecordProcessingException"/> naming node, topic, partition and offset.
/// </summary>
internal static class RecordFailures
{
    /// <summary>
    /// Whether an exception goes to the processing handler where it was thrown. Not: one already handled
    /// deeper (a Fail decision travelling up), storage failures (the record is not at fault; skipping it would
    /// lose data), a host's fatal signal (fencing, shutdown), or running out of memory.
    /// </summary>
    public static bool IsHandledAtNode(Exception e) =>
        e is not (RecordProcessingException or StateStoreException or HostFatalException or OutOfMemoryException);

    public static void OnProcessingError(ProcessorNode node, object? key, object? value, long timestamp, Exception e) =>
        HandleProcessing(node.Context, node.Context.ErrorContext(node.Name, timestamp), key, value, "processing", "processing-error", e);

    public static void OnPunctuationError(TaskContext ctx, long now, Exception e) =>
        HandleProcessing(ctx, ctx.ErrorContext("punctuator", now), null, null, "a punctuation", "punctuation-error", e);

    private static void HandleProcessing(TaskContext ctx, ErrorHandlerContext where, object? key, object? value, string what, string reason, Exception e)
    {
        ErrorHandlerResult result;
        try
        {
            result = ctx.Config.ProcessingExceptionHandler.Handle(where, key, value, e)
                ?? throw new StreamsException("The processing exception handler returned null.");
        }
        catch (Exception handlerError)
        {
            throw new RecordProcessingException(where, what + " (and then the processing exception handler)", new AggregateException(e, handlerError));
        }
        Decide(ctx, where, result, what, reason, e);
    }

    /// <summary>An output record could not be serialized or sent by <paramref name="sink"/>.</summary>
    public static void OnProductionError(ProcessorNode sink, FailedOutput output, Exception e)
    {
        var ctx = sink.Context;
        var where = ctx.ErrorContext(sink.Name, output.Timestamp);
        ErrorHandlerResult result;
        try
        {
            result = ctx.Config.ProductionExceptionHandler.Handle(where, output, e)
                ?? throw new StreamsException("The production exception handler returned null.");
        }
        catch (Exception handlerError)
        {
            throw new RecordProcessingException(where, $"producing to '{output.Topic}' (and then the production exception handler)", new AggregateException(e, handlerError));
        }
        Decide(ctx, where, result, $"producing to '{output.Topic}' ({output.Failure})", "production-error", e);
    }

    /// <summary>Names an exception that ends the task (already named ones pass through).</summary>
    public static RecordProcessingException Unhandled(TaskContext ctx, string node, long timestamp, Exception e) =>
        e as RecordProcessingException ?? new RecordProcessingException(ctx.ErrorContext(node, timestamp), "processing", e);

    private static void Decide(TaskContext ctx, ErrorHandlerContext where, ErrorHandlerResult result, string what, string reason, Exception e)
    {
        // Dead letters first, also on Fail (KIP-1034): under at-least-once they survive the failure; under
        // exactly-once they are dropped with the rest of the uncommitted output, and the record fails again after restart.
        foreach (var dl in result.DeadLetters) ctx.Collector.Send(dl.Topic, dl.Key, dl.Value, dl.Timestamp, dl.Headers, null);
        if (result.Response == ErrorHandlerResponse.Fail)
        {
            ctx.Logger.LogError(e, "Task {Task}: {What} failed at node {Node} for {Position}; the handler says fail.", ctx.TaskId, what, where.NodeName, where.Position());
            throw new RecordProcessingException(where, what, e);
        }
        ctx.RecordDropped(where.NodeName, reason);
    }
}

