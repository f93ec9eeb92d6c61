namespace Braid;

/// <summary>
/// Fixed-size windows aligned to the epoch, as Kafka's <c>TimeWindows</c>: tumbling when the advance
/// equals the size, hopping (overlapping) when it is smaller. A window is <c>[start, start + size)</c>
/// and starts at a multiple of the advance; a record belongs to every window containing its timestamp.
/// A window closes when stream time reaches its end plus the grace period; later records for it are dropped.
/// </summary>
public sealed record TimeWindows
{
    private TimeWindows()
    {
    }

    /// <summary>The window size in ms.</summary>
    public long SizeMs { get; private init; }

    /// <summary>The distance between two window starts in ms (equal to the size for tumbling windows).</summary>
    public long AdvanceMs { get; private init; }

    /// <summary>How long after a window ends, in stream time, records are still added to it.</summary>
    public long GraceMs { get; private init; }

    /// <summary>Tumbling windows of <paramref name="size"/> without grace.</summary>
    /// <param name="size">The window size (positive, whole ms).</param>
    /// <returns>The windows.</returns>
    public static TimeWindows OfSizeWithNoGrace(TimeSpan size) => OfSizeAndGrace(size, TimeSpan.Zero);

    /// <summary>Tumbling windows of <paramref name="size"/> that accept out-of-order records for <paramref name="afterWindowEnd"/>.</summary>
    /// <param name="size">The window size (positive, whole ms).</param>
    /// <param name="afterWindowEnd">The grace period (not negative, whole ms).</param>
    /// <returns>The windows.</returns>
    public static TimeWindows OfSizeAndGrace(TimeSpan size, TimeSpan afterWindowEnd)
    {
        long s = WindowMs.Positive(nameof(TimeWindows), size, "the window size");
        long g = WindowMs.NonNegative(nameof(TimeWindows), afterWindowEnd, "the grace period");
        return new TimeWindows { SizeMs = s, AdvanceMs = s, GraceMs = g };
    }

    /// <summary>Hopping windows: the same size and grace, a new window every <paramref name="advance"/>.</summary>
    /// <param name="advance">The advance (positive, at most the size, whole ms).</param>
    /// <returns>The windows.</returns>
    public TimeWindows AdvanceBy(TimeSpan advance)
    {
        long a = WindowMs.Positive(nameof(TimeWindows), advance, "the advance");
        if (a > SizeMs)
            throw new ArgumentOutOfRangeException(nameof(advance), advance, $"TimeWindows: the advance ({a} ms) must not exceed the window size ({SizeMs} ms).");
        return this with { AdvanceMs = a };
    }

    /// <summary>The starts of the windows a timestamp falls in, ascending (Kafka's <c>windowsFor</c>).</summary>
    internal IEnumerable<long> WindowStartsFor(long timestamp)
    {
        long start = Math.Max(0, timestamp - SizeMs + AdvanceMs) / AdvanceMs * AdvanceMs;
        for (; start <= timestamp; start += AdvanceMs) yield return start;
    }
}
