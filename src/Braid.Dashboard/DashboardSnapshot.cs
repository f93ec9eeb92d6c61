using Braid.Internal.Diagnostics;

namespace Braid.Dashboard;

/// <summary>What one server-sent event carries: everything on the page that changes.</summary>
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
    public static DashboardSnapshot From(ApplicationSnapshot app, MetricsHistory metrics, string? deadLetterTopic)
    {
        var rows = app.Tasks.Select(t => new TaskRow(t.Task, t.Thread, t.Processed, t.Inputs.Sum(i => i.Lag))).ToList();
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

/// <summary>A task, the thread that runs it, what it processed and its total lag.</summary>
internal sealed record TaskRow(string Task, string Thread, long Processed, long Lag);

/// <summary>Lag of one input partition.</summary>
internal sealed record LagRow(string Topic, int Partition, long Lag);
