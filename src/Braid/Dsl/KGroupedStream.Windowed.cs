namespace Braid;

public sealed partial class KGroupedStream<TKey, TValue>
{
    /// <summary>Aggregates per key and tumbling or hopping window.</summary>
    /// <param name="windows">The windows.</param>
    /// <returns>The windowed stream, ready to count, reduce or aggregate.</returns>
    public TimeWindowedKStream<TKey, TValue> WindowedBy(TimeWindows windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return new TimeWindowedKStream<TKey, TValue>(this, WindowKind.Time(windows));
    }

    /// <summary>Aggregates per key and sliding window (KIP-450).</summary>
    /// <param name="windows">The windows.</param>
    /// <returns>The windowed stream, ready to count, reduce or aggregate.</returns>
    public TimeWindowedKStream<TKey, TValue> WindowedBy(SlidingWindows windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return new TimeWindowedKStream<TKey, TValue>(this, WindowKind.Sliding(windows));
    }

    /// <summary>Aggregates per key and session.</summary>
    /// <param name="windows">The session windows.</param>
    /// <returns>The session-windowed stream, ready to count, reduce or aggregate.</returns>
    public SessionWindowedKStream<TKey, TValue> WindowedBy(SessionWindows windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return new SessionWindowedKStream<TKey, TValue>(this, windows, Braid.EmitStrategy.OnWindowUpdate(), null);
    }
}

/// <summary>Time windows or sliding windows: what a <see cref="TimeWindowedKStream{TKey,TValue}"/> aggregates over.</summary>
internal sealed record WindowKind(TimeWindows? TimeWindows, SlidingWindows? SlidingWindows)
{
    public static WindowKind Time(TimeWindows w) => new(w, null);

    public static WindowKind Sliding(SlidingWindows w) => new(null, w);

    public long GraceMs => TimeWindows?.GraceMs ?? SlidingWindows!.GraceMs;

    /// <summary>The window length as the windowed key serde reads it back (start + size = end).</summary>
    public long SizeMs => TimeWindows?.SizeMs ?? SlidingWindows!.TimeDifferenceMs;

    /// <summary>Kafka's minimum store retention: size + grace for time windows, 2 × difference + grace for sliding ones.</summary>
    public long MinRetentionMs => TimeWindows is not null ? TimeWindows.SizeMs + TimeWindows.GraceMs : 2 * SlidingWindows!.TimeDifferenceMs + SlidingWindows.GraceMs;
}
