using Braid.Processors;

namespace Braid.Internal;

/// <summary>
/// The punctuation schedules of one task for one clock. Stream-time schedules are aligned to 0 and fire
/// as soon as stream time is known; wall-clock schedules first fire one interval after scheduling.
/// Missed intervals are skipped, not replayed (as Kafka's PunctuationSchedule).
/// </summary>
internal sealed class PunctuationQueue
{
    private readonly List<Schedule> _schedules = new();

    public ICancellable Add(long firstTime, long interval, Action<long> punctuator)
    {
        if (interval < 1) throw new ArgumentOutOfRangeException(nameof(interval), "A punctuation interval must be at least 1 ms.");
        var s = new Schedule(firstTime, interval, punctuator, this);
        _schedules.Add(s);
        return s;
    }

    public bool IsEmpty => _schedules.Count == 0;

    /// <summary>Fires every schedule due at <paramref name="now"/>; returns true if any fired.</summary>
    public bool MayPunctuate(long now)
    {
        bool fired = false;
        // Copy: a punctuator may schedule or cancel.
        foreach (var s in _schedules.ToArray())
        {
            if (s.Cancelled || s.Exhausted || s.Next > now) continue;
            s.Punctuator(now);
            fired = true;
            if (TryNextAfter(s.Next, s.Interval, now, out long next)) s.Next = next;
            else s.Exhausted = true;
        }
        return fired;
    }

    /// <summary>
    /// The first point after <paramref name="now"/> on the schedule's grid (missed points skipped). Near
    /// <see cref="long.MaxValue"/> the grid has no next point: the schedule is exhausted and never fires again
    /// (a record stamped long.MaxValue fires it once, not on every later record; nothing overflows into the past).
    /// </summary>
    private static bool TryNextAfter(long last, long interval, long now, out long next)
    {
        long basePoint = now >= last && now - last >= interval ? now - ((now - last) % interval) : last;
        next = basePoint <= long.MaxValue - interval ? basePoint + interval : 0;
        return basePoint <= long.MaxValue - interval;
    }

    private sealed class Schedule(long next, long interval, Action<long> punctuator, PunctuationQueue owner) : ICancellable
    {
        public long Next { get; set; } = next;
        public long Interval { get; } = interval;
        public Action<long> Punctuator { get; } = punctuator;
        public bool Cancelled { get; private set; }
        public bool Exhausted { get; set; }

        public void Cancel()
        {
            Cancelled = true;
            owner._schedules.Remove(this);
        }
    }
}
