using Braid.Embedded;

namespace Braid.Dashboard;

/// <summary>What one server-sent event carries: everything on the page that changes.</summary>
internal sealed record DashboardSnapshot(
    string Application,
    string State,
    long Processed,
    long Dropped,
    string? DeadLetterTopic,
    long? DeadLetterRecords,
    IReadOnlyList<TaskRow> Tasks,
    IReadOnlyList<LagRow> Lag,
    IReadOnlyList<MetricPoint> History)
{
    public static DashboardSnapshot Take(BraidApplication app, MetricsSampler metrics, string? deadLetterTopic)
    {
        var tasks = app.SnapshotTasks();
        var rows = tasks.Select(t => new TaskRow(t.Task, t.Thread, t.Processed, t.Inputs.Sum(i => i.Lag))).ToList();
        var lag = tasks.SelectMany(t => t.Inputs)
            .GroupBy(i => (i.Topic, i.Partition))
            .Select(g => new LagRow(g.Key.Topic, g.Key.Partition, g.Sum(i => i.Lag)))
            .OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition).ToList();
        return new DashboardSnapshot(app.Options.Streams.ApplicationId, app.State.ToString(), metrics.Processed, metrics.Dropped,
            deadLetterTopic, deadLetterTopic is null ? null : DeadLetters(app, deadLetterTopic), rows, lag, metrics.History());
    }

    // The dead-letter topic's visible records (null while the topic does not exist yet).
    private static long? DeadLetters(BraidApplication app, string topic)
    {
        try
        {
            return app.CreateReader(topic, Braid.Serialization.Serdes.ByteArray, Braid.Serialization.Serdes.ByteArray).Remaining;
        }
        catch (Exception e) when (e is StreamsException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }
}

/// <summary>A task, the thread that runs it, what it processed and its total lag.</summary>
internal sealed record TaskRow(string Task, string Thread, long Processed, long Lag);

/// <summary>Lag of one input partition.</summary>
internal sealed record LagRow(string Topic, int Partition, long Lag);
