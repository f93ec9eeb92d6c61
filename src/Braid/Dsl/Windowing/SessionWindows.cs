namespace Braid;

/// <summary>
/// Session windows, as Kafka's <c>SessionWindows</c>: a session of a key is a run of records each no more
/// than the inactivity gap after the previous one. A session is <c>[first, last]</c> (both inclusive);
/// a record that falls within the gap of two sessions merges them. A session closes when stream time
/// passes its end plus grace (strictly: <c>end + grace &lt; stream time</c>).
/// </summary>
public sealed record SessionWindows
{
    private SessionWindows()
    {
    }

    /// <summary>The inactivity gap in ms.</summary>
    public long InactivityGapMs { get; private init; }

    /// <summary>How long after a session ends, in stream time, records may still extend or merge it.</summary>
    public long GraceMs { get; private init; }

    /// <summary>Session windows without grace.</summary>
    /// <param name="inactivityGap">The gap (positive, whole ms).</param>
    /// <returns>The windows.</returns>
    public static SessionWindows OfInactivityGapWithNoGrace(TimeSpan inactivityGap) =>
        OfInactivityGapAndGrace(inactivityGap, TimeSpan.Zero);

    /// <summary>Session windows with a grace period.</summary>
    /// <param name="inactivityGap">The gap (positive, whole ms).</param>
    /// <param name="afterWindowEnd">The grace period (not negative, whole ms).</param>
    /// <returns>The windows.</returns>
    public static SessionWindows OfInactivityGapAndGrace(TimeSpan inactivityGap, TimeSpan afterWindowEnd)
    {
        long gap = WindowMs.Positive(nameof(SessionWindows), inactivityGap, "the inactivity gap");
        long g = WindowMs.NonNegative(nameof(SessionWindows), afterWindowEnd, "the grace period");
        return new SessionWindows { InactivityGapMs = gap, GraceMs = g };
    }
}
