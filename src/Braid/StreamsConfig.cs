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
        if (OuterJoinEmitInterval < TimeSpan.Zero)
            throw new ConfigException(nameof(OuterJoinEmitInterval), "must not be negative.");
        if (LoggerFactory is null) throw new ConfigException(nameof(LoggerFactory), "must not be null.");
    }
}
