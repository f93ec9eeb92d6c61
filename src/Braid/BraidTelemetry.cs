namespace Braid;

/// <summary>
/// Names under which Braid reports traces and metrics through <see cref="System.Diagnostics.ActivitySource"/> and
/// <see cref="System.Diagnostics.Metrics.Meter"/>: subscribe to them with OpenTelemetry (the Braid.OpenTelemetry
/// package's <c>AddBraidInstrumentation()</c> does it), dotnet-trace or dotnet-counters. Spans and the W3C trace
/// context carried in record headers: docs/observability.md.
/// </summary>
public static class BraidTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: "Braid".</summary>
    public const string ActivitySourceName = "Braid";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: "Braid".</summary>
    public const string MeterName = "Braid";

    /// <summary>The header carrying the W3C trace parent of a record ("traceparent").</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The header carrying the W3C trace state of a record ("tracestate").</summary>
    public const string TraceStateHeader = "tracestate";
}
