using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Braid.OpenTelemetry;

/// <summary>
/// Registers Braid with OpenTelemetry: <c>services.AddOpenTelemetry().WithTracing(t => t.AddBraidInstrumentation())
/// .WithMetrics(m => m.AddBraidInstrumentation())</c>. Braid itself depends only on System.Diagnostics; this package
/// names its <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.
/// </summary>
public static class BraidInstrumentationExtensions
{
    /// <summary>
    /// Subscribes to Braid's spans: "process {topic}" per input record (child of the trace context in its headers),
    /// "commit", and "restore …"; output records carry the processing span's context in "traceparent"/"tracestate".
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TracerProviderBuilder AddBraidInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(BraidTelemetry.ActivitySourceName, BraidTelemetry.ActivitySourceName + ".*");
    }

    /// <summary>
    /// Subscribes to Braid's metrics: messaging.process.duration, messaging.client.consumed.messages,
    /// messaging.client.sent.messages, messaging.client.operation.duration (commits) and braid.* (lag, drops, stores…), from the "Braid" meter and the hosts' own ("Braid.Kafka").
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static MeterProviderBuilder AddBraidInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(BraidTelemetry.MeterName, BraidTelemetry.MeterName + ".*");
    }
}
