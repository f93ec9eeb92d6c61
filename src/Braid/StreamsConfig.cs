using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid;

/// <summary>
/// Settings shared by every host (test driver, embedded runtime, Kafka). Hosts add their own options
/// objects on top; each value is validated by <see cref="Validate"/> with an error naming the key.
/// </summary>
public sealed record StreamsConfig
{
    /// <summary>The application id: prefixes internal topics and names the state directory. Required.</summary>
    public string ApplicationId { get; init; } = "braid-app";

    /// <summary>What to do with input that cannot be deserialized (default: fail).</summary>
    public DeserializationExceptionHandler DeserializationExceptionHandler { get; init; } = DeserializationExceptionHandler.LogAndFail;

    /// <summary>What to do when user code throws while a record is processed (default: fail). KIP-1033.</summary>
    public ProcessingExceptionHandler ProcessingExceptionHandler { get; init; } = ProcessingExceptionHandler.LogAndFail;

    /// <summary>What to do when an output record cannot be serialized or sent (default: fail).</summary>
    public ProductionExceptionHandler ProductionExceptionHandler { get; init; } = ProductionExceptionHandler.LogAndFail;

    /// <summary>
    /// A topic that receives the source record of every record the built-in processing and production handlers
    /// fail or skip, with headers naming the exception, node, source topic, partition and offset (Kafka's
    /// <c>errors.dead.letter.queue.topic.name</c>, KIP-1034). Null (the default): no dead-letter records.
    /// </summary>
    public string? DeadLetterQueueTopic { get; init; }

    /// <summary>The wall clock of every host and operator (wall-clock punctuation, idle time, commit intervals).
    /// Tests inject a fake one; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Minimum wall-clock interval between two emissions of held-back non-joined stream–stream results
    /// (Kafka's internal emit interval, 1 s). The test driver uses zero.
    /// </summary>
    public TimeSpan OuterJoinEmitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where operators log (warnings for dropped records, …).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Checks every value; throws <see cref="ConfigException"/> naming the first bad key.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ApplicationId))
            throw new ConfigException(nameof(ApplicationId), "must be a non-empty string.");
        foreach (var ch in ApplicationId)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-'))
                throw new ConfigException(nameof(ApplicationId), $"'{ApplicationId}' may only contain ASCII letters, digits, '.', '_' and '-'.");
        }
        if (DeserializationExceptionHandler is null)
            throw new ConfigException(nameof(DeserializationExceptionHandler), "must not be null.");
        if (ProcessingExceptionHandler is null)
            throw new ConfigException(nameof(ProcessingExceptionHandler), "must not be null.");
        if (ProductionExceptionHandler is null)
            throw new ConfigException(nameof(ProductionExceptionHandler), "must not be null.");
        if (DeadLetterQueueTopic is not null && (DeadLetterQueueTopic.Length == 0 || DeadLetterQueueTopic.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-'))))
            throw new ConfigException(nameof(DeadLetterQueueTopic), $"'{DeadLetterQueueTopic}' must be a topic name of ASCII letters, digits, '.', '_' and '-'.");
        if (TimeProvider is null) throw new ConfigException(nameof(TimeProvider), "must not be null.");
        if (OuterJoinEmitInterval < TimeSpan.Zero)
            throw new ConfigException(nameof(OuterJoinEmitInterval), "must not be negative.");
        if (LoggerFactory is null) throw new ConfigException(nameof(LoggerFactory), "must not be null.");
    }
}
