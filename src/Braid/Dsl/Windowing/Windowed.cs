namespace Braid;

/// <summary>
/// A window's bounds in milliseconds. Which bound is inclusive depends on the window kind, as in Kafka:
/// time windows (tumbling, hopping) are <c>[Start, End)</c>; sliding windows and session windows are
/// <c>[Start, End]</c>.
/// </summary>
/// <param name="Start">The first millisecond of the window (always inclusive).</param>
/// <param name="End">The end: exclusive for time windows, inclusive for sliding and session windows.</param>
public readonly record struct Window(long Start, long End)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Start},{End}]";
}

/// <summary>The key of a windowed aggregate: the record key and the window it was aggregated in (Kafka's <c>Windowed</c>).</summary>
/// <param name="Key">The record key.</param>
/// <param name="Window">The window.</param>
/// <typeparam name="TKey">The record key type.</typeparam>
public readonly record struct Windowed<TKey>(TKey Key, Window Window)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Key}@{Window.Start}/{Window.End}]";
}

/// <summary>
/// A record a windowed aggregation dropped because every window it belongs to had already closed
/// (window end + grace at or before stream time). Handed to <c>WithLateRecordHandler</c>.
/// </summary>
/// <param name="Processor">The aggregation node that dropped it.</param>
/// <param name="Key">The record key.</param>
/// <param name="Value">The record value.</param>
/// <param name="Timestamp">The record timestamp.</param>
/// <param name="StreamTime">The aggregation's stream time when the record arrived.</param>
/// <param name="GraceMs">The grace period of the windows, in ms.</param>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed record LateRecord<TKey, TValue>(string Processor, TKey Key, TValue Value, long Timestamp, long StreamTime, long GraceMs);

/// <summary>Millisecond conversions shared by the window definitions.</summary>
internal static class WindowMs
{
    public static long NonNegative(string owner, TimeSpan value, string what)
    {
        if (value < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{owner}: {what} must not be negative.");
        return Whole(owner, value);
    }

    public static long Positive(string owner, TimeSpan value, string what)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{owner}: {what} must be positive.");
        return Whole(owner, value);
    }

    public static void NoOverflow(string owner, long a, long b, string what)
    {
        if (a > long.MaxValue - b) throw new ArgumentException($"{owner}: {what} ({a} ms + {b} ms) overflows.");
    }

    private static long Whole(string owner, TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
            throw new ArgumentException($"{owner}: {value} is not a whole number of milliseconds.");
        return value.Ticks / TimeSpan.TicksPerMillisecond;
    }
}
