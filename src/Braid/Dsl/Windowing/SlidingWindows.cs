namespace Braid;

/// <summary>
/// Sliding windows (KIP-450), as Kafka's <c>SlidingWindows</c>: windows are defined by the records.
/// Each record at <c>t</c> has a left window <c>[t - timeDifference, t]</c> (both inclusive) ending with
/// it, and, when a later record of the key lies within <c>timeDifference</c>, a right window
/// <c>[t + 1, t + 1 + timeDifference]</c> starting just after it. So every distinct set of records no
/// further apart than the time difference is aggregated once. Records before <c>timeDifference</c> share
/// the window <c>[0, timeDifference]</c>. A window closes when stream time passes its end plus grace.
/// </summary>
public sealed record SlidingWindows
{
    private SlidingWindows()
    {
    }

    /// <summary>The largest time difference of two records in one window, in ms.</summary>
    public long TimeDifferenceMs { get; private init; }

    /// <summary>How long after a window ends, in stream time, records are still added to it.</summary>
    public long GraceMs { get; private init; }

    /// <summary>Sliding windows without grace.</summary>
    /// <param name="timeDifference">The time difference (positive, whole ms).</param>
    /// <returns>The windows.</returns>
    public static SlidingWindows OfTimeDifferenceWithNoGrace(TimeSpan timeDifference) =>
        OfTimeDifferenceAndGrace(timeDifference, TimeSpan.Zero);

    /// <summary>Sliding windows with a grace period.</summary>
    /// <param name="timeDifference">The time difference (positive, whole ms).</param>
    /// <param name="afterWindowEnd">The grace period (not negative, whole ms).</param>
    /// <returns>The windows.</returns>
    public static SlidingWindows OfTimeDifferenceAndGrace(TimeSpan timeDifference, TimeSpan afterWindowEnd)
    {
        long d = WindowMs.Positive(nameof(SlidingWindows), timeDifference, "the time difference");
        long g = WindowMs.NonNegative(nameof(SlidingWindows), afterWindowEnd, "the grace period");
        return new SlidingWindows { TimeDifferenceMs = d, GraceMs = g };
    }
}
