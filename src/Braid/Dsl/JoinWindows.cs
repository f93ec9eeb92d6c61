using Braid.Serialization;

namespace Braid;

/// <summary>
/// The window of a stream–stream join, as Kafka's <c>JoinWindows</c>: a left record at time <c>t</c>
/// joins right records with timestamps in <c>[t - before, t + after]</c>. The grace period says how
/// long, in stream time, after a window ends records may still arrive out of order and join; left/outer
/// joins hold a record's "no match" result until its window plus grace has passed.
/// </summary>
public sealed record JoinWindows
{
    private JoinWindows()
    {
    }

    /// <summary>How far back from a left record's time a right record may be, in ms.</summary>
    public long BeforeMs { get; private init; }

    /// <summary>How far ahead of a left record's time a right record may be, in ms.</summary>
    public long AfterMs { get; private init; }

    /// <summary>How long after a window ends out-of-order records are still accepted, in ms.</summary>
    public long GraceMs { get; private init; }

    /// <summary>The window size, before + after, in ms.</summary>
    public long SizeMs => BeforeMs + AfterMs;

    /// <summary>A symmetric window of <paramref name="timeDifference"/> with a grace period.</summary>
    /// <param name="timeDifference">Largest time difference of two joining records (not negative).</param>
    /// <param name="afterWindowEnd">The grace period (not negative).</param>
    /// <returns>The windows.</returns>
    public static JoinWindows OfTimeDifferenceAndGrace(TimeSpan timeDifference, TimeSpan afterWindowEnd)
    {
        long diff = NonNegativeMs(timeDifference, "the time difference");
        long grace = NonNegativeMs(afterWindowEnd, "the grace period");
        if (diff > long.MaxValue - grace)
            throw new ArgumentException($"JoinWindows: time difference {diff} ms plus grace {grace} ms overflows.");
        return Create(diff, diff, grace);
    }

    /// <summary>A symmetric window of <paramref name="timeDifference"/> without grace: out-of-order records after the window ends are too late.</summary>
    /// <param name="timeDifference">Largest time difference of two joining records (not negative).</param>
    /// <returns>The windows.</returns>
    public static JoinWindows OfTimeDifferenceWithNoGrace(TimeSpan timeDifference) =>
        OfTimeDifferenceAndGrace(timeDifference, TimeSpan.Zero);

    /// <summary>
    /// Returns windows with another "before" bound (how far back a right record may be); the "after"
    /// bound and grace are kept. Before + after must not be negative.
    /// </summary>
    /// <param name="timeDifference">The new before bound.</param>
    /// <returns>The new windows.</returns>
    public JoinWindows Before(TimeSpan timeDifference) => Create(ToMs(timeDifference), AfterMs, GraceMs);

    /// <summary>
    /// Returns windows with another "after" bound (how far ahead a right record may be); the "before"
    /// bound and grace are kept. Before + after must not be negative.
    /// </summary>
    /// <param name="timeDifference">The new after bound.</param>
    /// <returns>The new windows.</returns>
    public JoinWindows After(TimeSpan timeDifference) => Create(BeforeMs, ToMs(timeDifference), GraceMs);

    private static JoinWindows Create(long beforeMs, long afterMs, long graceMs)
    {
        if (beforeMs + afterMs < 0)
        {
            throw new ArgumentException(
                $"JoinWindows: the window size (before + after = {beforeMs} ms + {afterMs} ms) must not be negative.");
        }
        return new JoinWindows { BeforeMs = beforeMs, AfterMs = afterMs, GraceMs = graceMs };
    }

    private static long NonNegativeMs(TimeSpan value, string what)
    {
        if (value < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value), value, $"JoinWindows: {what} must not be negative.");
        return ToMs(value);
    }

    private static long ToMs(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
            throw new ArgumentException($"JoinWindows: {value} is not a whole number of milliseconds.");
        return value.Ticks / TimeSpan.TicksPerMillisecond;
    }
}

/// <summary>Serdes, names and store options of a stream–stream join, as Kafka's <c>StreamJoined</c>.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">This (left) stream's value type.</typeparam>
/// <typeparam name="TOtherValue">The other (right) stream's value type.</typeparam>
public sealed record StreamJoined<TKey, TValue, TOtherValue>
{
    /// <summary>Key serde (repartitioning and the join's stores).</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>This stream's value serde.</summary>
    public Serde<TValue>? ValueSerde { get; init; }

    /// <summary>The other stream's value serde.</summary>
    public Serde<TOtherValue>? OtherValueSerde { get; init; }

    /// <summary>Base name of the join's processors (<c>{Name}-this-join</c>, <c>{Name}-other-join</c>, <c>{Name}-merge</c>).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Base name of the join's stores: <c>{StoreName}-this-join-store</c>, <c>{StoreName}-other-join-store</c>
    /// and, for left/outer joins, <c>{StoreName}-outer-shared-join-store</c>. Generated when null.
    /// </summary>
    public string? StoreName { get; init; }

    /// <summary>Whether the join's stores are backed by changelogs (default true).</summary>
    public bool LoggingEnabled { get; init; } = true;

    /// <summary>Keep the join's stores in memory even on hosts whose default is persistent.</summary>
    public bool InMemory { get; init; }
}
