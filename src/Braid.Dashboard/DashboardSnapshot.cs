using Braid.Internal.Diagnostics;

namespace Braid.Dashboard;

/// <summary>
/// What one server-sent event carries: everything on the page that changes. <see cref="NotAvailable"/> names the
/// sections a view cannot fill and why (the cluster view has no topology or counters), so the page says so instead of
/// showing blanks; <see cref="Instances"/> is the cluster view's list of live instances.
/// </summary>
internal sealed record DashboardSnapshot(
    string Application,
    string State,
    string? Error,
    long Processed,
    long Dropped,
    string? DeadLetterTopic,
    long? DeadLetterRecords,
    IReadOnlyList<TaskRow> Tasks,
    IReadOnlyList<LagRow> Lag,
    IReadOnlyList<MetricPoint> History)
{
    public IReadOnlyList<InstanceRow>? Instances { get; init; }

    public IReadOnlyDictionary<string, string>? NotAvailable { get; init; }

    public static DashboardSnapshot From(ApplicationSnapshot app, MetricsHistory metrics, string? deadLetterTopic)
    {
        var rows = app.Tasks.Select(t => new TaskRow(t.Task, t.Status, t.Thread, t.Processed, t.Status == TaskSnapshot.Active ? t.Inputs.Sum(i => i.Lag) : t.StoreLag)).ToList();
        var lag = app.Tasks.SelectMany(t => t.Inputs)
            .GroupBy(i => (i.Topic, i.Partition))
            .Select(g => new LagRow(g.Key.Topic, g.Key.Partition, g.Sum(i => i.Lag)))
            .OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition).ToList();
        long processed = app.Tasks.Sum(t => t.Processed), dropped = app.Tasks.Sum(t => t.Dropped);
        var history = metrics.Update(processed, app.Tasks.Sum(t => t.ProcessMs), dropped);
        return new DashboardSnapshot(app.Application, app.State, app.Error, processed, dropped, deadLetterTopic, app.DeadLetterRecords, rows, lag, history);
    }

    /// <summary>The page's view of an application it cannot reach (closed, killed): the reason instead of data.</summary>
    public static DashboardSnapshot Unreachable(string application, string error, MetricsHistory metrics, string? deadLetterTopic) =>
        new(application, "Disconnected", error, 0, 0, deadLetterTopic, null, [], [], metrics.Update(0, 0, 0));
}

/// <summary>
/// A task, its status (active, restoring, standby), the thread that runs it (in the cluster view: the instance), what it
/// processed and its lag (input records not processed for an active task; changelog records not applied for the others).
/// </summary>
internal sealed record TaskRow(string Task, string Status, string Thread, long Processed, long Lag);

/// <summary>Lag of one input partition.</summary>
internal sealed record LagRow(string Topic, int Partition, long Lag);

/// <summary>A live instance of a Kafka application (cluster view) and the tasks it announces.</summary>
internal sealed record InstanceRow(string Instance, IReadOnlyList<string> Active, IReadOnlyList<string> Standby);
