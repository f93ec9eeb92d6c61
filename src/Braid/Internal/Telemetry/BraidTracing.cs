using System.Diagnostics;
using System.Text;

namespace Braid.Internal.Telemetry;

/// <summary>
/// Braid's spans and the W3C trace context in record headers. Every entry point first asks
/// <see cref="ActivitySource.HasListeners"/>, so with no tracer attached tracing costs one volatile read per
/// record. Names and attributes follow OpenTelemetry's messaging semantic conventions ("process {topic}",
/// messaging.system, messaging.destination.name, …); the context travels in "traceparent"/"tracestate"
/// headers as OpenTelemetry's and Confluent's Kafka instrumentations carry it, so a trace follows a record
/// from a producer through every topic of a topology (repartition topics included) to its consumers.
/// </summary>
internal static class BraidTracing
{
    public static readonly ActivitySource Source = new(BraidTelemetry.ActivitySourceName, "1.0");

    /// <summary>
    /// Starts the span of one input record, child of the context its producer wrote in its headers (remote
    /// parent), or a root when it has none. Null when nobody listens.
    /// </summary>
    public static Activity? StartProcess(in RawRecord record, string taskId, string applicationId)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext parent = default;
        if (record.Headers is { } headers && headers.TryGetLast(BraidTelemetry.TraceParentHeader, out var tp) && tp.Value is { } tpBytes)
        {
            string? state = headers.TryGetLast(BraidTelemetry.TraceStateHeader, out var ts) && ts.Value is { } tsBytes ? Encoding.UTF8.GetString(tsBytes) : null;
            // A malformed traceparent is someone else's bug: the record is processed, only without a parent.
            ActivityContext.TryParse(Encoding.UTF8.GetString(tpBytes), state, isRemote: true, out parent);
        }
        var activity = Source.StartActivity("process " + record.Topic, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", MessagingSystem);
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", record.Topic);
            activity.SetTag("messaging.destination.partition.id", record.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", record.Offset);
            activity.SetTag("messaging.consumer.group.name", applicationId);
            activity.SetTag("braid.task.id", taskId);
        }
        return activity;
    }

    /// <summary>A span around a commit of <paramref name="tasks"/> tasks. Null when nobody listens.</summary>
    public static Activity? StartCommit(int tasks)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("commit", ActivityKind.Internal);
        activity?.SetTag("messaging.system", MessagingSystem);
        activity?.SetTag("messaging.operation.name", "commit");
        activity?.SetTag("messaging.operation.type", "settle");
        activity?.SetTag("braid.commit.tasks", tasks);
        return activity;
    }

    /// <summary>A span around restoring the state of one task (or one store partition). Null when nobody listens.</summary>
    public static Activity? StartRestore(string what, bool detached = false)
    {
        if (!Source.HasListeners()) return null;
        var previous = Activity.Current;
        var activity = Source.StartActivity("restore " + what, ActivityKind.Internal);
        activity?.SetTag("braid.restore.target", what);
        // A span that outlives the call (Kafka restores in steps of the poll loop) must not become the
        // parent of what the loop does meanwhile.
        if (detached) Activity.Current = previous;
        return activity;
    }

    /// <summary>Ends a span, marking it failed when <paramref name="error"/> is set.</summary>
    public static void Stop(Activity? activity, Exception? error = null)
    {
        if (activity is null) return;
        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag("error.type", error.GetType().FullName);
        }
        activity.Dispose();
    }

    /// <summary>
    /// The headers an output record is written with: the current span's context replaces any trace context
    /// the record carried (a copy, so the input record's headers, which other sinks may also write, stay as
    /// they were). Unchanged when there is no current span.
    /// </summary>
    public static Headers? Inject(Headers? headers)
    {
        var current = Activity.Current;
        if (current is null || current.IdFormat != ActivityIdFormat.W3C || current.Id is null) return headers;
        var copy = headers is null ? new Headers() : headers.Clone().Remove(BraidTelemetry.TraceParentHeader).Remove(BraidTelemetry.TraceStateHeader);
        copy.Add(BraidTelemetry.TraceParentHeader, Encoding.UTF8.GetBytes(current.Id));
        if (!string.IsNullOrEmpty(current.TraceStateString)) copy.Add(BraidTelemetry.TraceStateHeader, Encoding.UTF8.GetBytes(current.TraceStateString));
        return copy;
    }

    /// <summary>
    /// Braid's topics follow Kafka's model (topic, partition, offset) on every host, so spans and metrics say
    /// "kafka" as OpenTelemetry's messaging conventions name it.
    /// </summary>
    public const string MessagingSystem = "kafka";
}
