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
            if (s.Cancelled || s.Next > now) continue;
            s.Punctuator(now);
            fired = true;
            long next = s.Next + s.Interval;
            if (now >= next) next = now - ((now - s.Next) % s.Interval) + s.Interval;
            s.Next = next;
        }
        return fired;
    }

    private sealed class Schedule(long next, long interval, Action<long> punctuator, PunctuationQueue owner) : ICancellable
    {
        public long Next { get; set; } = next;
        public long Interval { get; } = interval;
        public Action<long> Punctuator { get; } = punctuator;
        public bool Cancelled { get; private set; }

        public void Cancel()
        {
            Cancelled = true;
            owner._schedules.Remove(this);
        }
    }
}
