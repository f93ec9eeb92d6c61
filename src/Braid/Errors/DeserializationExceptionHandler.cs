using System.Text;
using Microsoft.Extensions.Logging;

namespace Braid;

/// <summary>What to do with a record whose bytes could not be deserialized.</summary>
public enum DeserializationHandlerResponse
{
    /// <summary>Stop processing with a <see cref="StreamsException"/> naming topic, partition and offset.</summary>
    Fail,

    /// <summary>Skip the record (it is counted in the dropped-records metric) and go on.</summary>
    Continue,
}

/// <summary>Everything known about a record that failed to deserialize.</summary>
/// <param name="Topic">The source topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset.</param>
/// <param name="Key">The raw key bytes. Read-only: the array may be shared with the producer of the record (the embedded
/// runtime hands a repartition topic's consumer the arrays its writer serialized), so a handler must not change it.</param>
/// <param name="Value">The raw value bytes. Read-only, like <paramref name="Key"/>.</param>
/// <param name="Timestamp">The record timestamp.</param>
/// <param name="Headers">The record headers.</param>
/// <param name="SourceNode">The source node that failed.</param>
/// <param name="Exception">The serde's error.</param>
public sealed record DeserializationErrorContext(
    string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, long Timestamp,
    Headers? Headers, string SourceNode, Exception Exception);

/// <summary>A record a handler wants written to a dead-letter topic.</summary>
/// <param name="Topic">The dead-letter topic.</param>
/// <param name="Key">The raw key bytes.</param>
/// <param name="Value">The raw value bytes.</param>
/// <param name="Timestamp">The timestamp.</param>
/// <param name="Headers">Headers describing the failure.</param>
public sealed record DeadLetterRecord(string Topic, byte[]? Key, byte[]? Value, long Timestamp, Headers Headers);

/// <summary>A handler's decision, and any dead-letter records to write.</summary>
/// <param name="Response">Fail or continue.</param>
/// <param name="DeadLetters">Records to write to dead-letter topics (may be empty).</param>
public sealed record DeserializationHandlerResult(DeserializationHandlerResponse Response, IReadOnlyList<DeadLetterRecord> DeadLetters);

/// <summary>
/// Decides what happens to undeserializable input. Never a silent drop: the built-in handlers fail,
/// log, or write the raw record to a dead-letter topic, and every skipped record is counted.
/// </summary>
public abstract class DeserializationExceptionHandler
{
    /// <summary>Fails the task (the default).</summary>
    public static DeserializationExceptionHandler LogAndFail { get; } = new Builtin(DeserializationHandlerResponse.Fail, null, null);

    /// <summary>Logs a warning and skips the record.</summary>
    /// <param name="logger">Where to log; a null logger when not given.</param>
    /// <returns>The handler.</returns>
    public static DeserializationExceptionHandler LogAndContinue(ILogger? logger = null) =>
        new Builtin(DeserializationHandlerResponse.Continue, null, logger);

    /// <summary>Writes the raw record to a dead-letter topic, with headers naming the error, and skips it.</summary>
    /// <param name="topic">The dead-letter topic.</param>
    /// <param name="logger">Where to log; a null logger when not given.</param>
    /// <returns>The handler.</returns>
    public static DeserializationExceptionHandler DeadLetterQueue(string topic, ILogger? logger = null) =>
        new Builtin(DeserializationHandlerResponse.Continue, topic ?? throw new ArgumentNullException(nameof(topic)), logger);

    /// <summary>Decides what to do.</summary>
    /// <param name="context">The failed record and error.</param>
    /// <returns>The decision.</returns>
    public abstract DeserializationHandlerResult Handle(DeserializationErrorContext context);

    private sealed class Builtin(DeserializationHandlerResponse response, string? dlq, ILogger? logger) : DeserializationExceptionHandler
    {
        public override DeserializationHandlerResult Handle(DeserializationErrorContext c)
        {
            logger?.LogWarning(c.Exception, "Could not deserialize record at {Topic}-{Partition}@{Offset} in {Node}; {Action}.",
                c.Topic, c.Partition, c.Offset, c.SourceNode, response == DeserializationHandlerResponse.Fail ? "failing" : "skipping it");
            if (dlq is null) return new(response, []);
            var headers = c.Headers?.Clone() ?? new Headers();
            headers.Add("braid.error.topic", Encoding.UTF8.GetBytes(c.Topic))
                .Add("braid.error.partition", Encoding.UTF8.GetBytes(c.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Add("braid.error.offset", Encoding.UTF8.GetBytes(c.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Add("braid.error.message", Encoding.UTF8.GetBytes(c.Exception.Message));
            return new(response, [new DeadLetterRecord(dlq, c.Key, c.Value, c.Timestamp, headers)]);
        }
    }
}
