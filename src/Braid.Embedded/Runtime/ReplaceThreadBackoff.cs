namespace Braid.Embedded.Runtime;

/// <summary>
/// How long a replaced stream thread waits before it starts: nothing after a new failure; when the same record
/// fails again (same task, topic, partition, offset — or, without a record, the same exception type and message)
/// <c>initial · 2^(repeats-1)</c>, capped. Without it a poison record under ReplaceThread would replace the thread
/// thousands of times a second.
/// </summary>
internal sealed class ReplaceThreadBackoff(TimeSpan initial, TimeSpan max)
{
    private string? _lastFailure;

    /// <summary>Consecutive failures on the same record before the current one.</summary>
    public int Repeats { get; private set; }

    public TimeSpan Next(Exception error)
    {
        string key = Key(error);
        Repeats = key == _lastFailure ? Repeats + 1 : 0;
        _lastFailure = key;
        if (Repeats == 0) return TimeSpan.Zero;
        double ms = initial.TotalMilliseconds * Math.Pow(2, Math.Min(Repeats - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, max.TotalMilliseconds));
    }

    private static string Key(Exception error) => error is RecordProcessingException r
        ? $"{r.TaskId}|{r.NodeName}|{r.Topic}|{r.Partition}|{r.Offset}"
        : error.GetType().FullName + "|" + error.Message;
}
