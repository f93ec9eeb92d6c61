using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>
/// Session window aggregate / count / reduce (Kafka's KStreamSessionWindowAggregate).
/// <list type="bullet">
/// <item>State: a session store mapping (key, start, end) to the aggregate; retention = gap + grace (or the
/// Materialized retention when larger).</item>
/// <item>Emit rule: a record at <c>t</c> finds the key's sessions that end at or after <c>t - gap</c> and start at
/// or before <c>t + gap</c>, merges their aggregates (session merger) with the record's into one session spanning
/// them all, and, unless the result is exactly <c>[t, t]</c>, removes each merged session and forwards a tombstone
/// for it (old value attached) before forwarding the merged session. Kafka does the same, so a record landing
/// inside an existing session retracts it and re-adds it. With emit-on-window-close, removed sessions are
/// forgotten and each surviving session is forwarded once it is final: when <c>end + gap + grace &lt; streamTime</c>,
/// so no record that is not late can still merge with it (a deliberate deviation: Kafka emits at
/// <c>end + grace &lt; streamTime</c>, which can emit a session a later record then extends).</item>
/// <item>Time rule: sessions are <c>[first, last]</c>, both inclusive; the merged session is closed (the record
/// dropped) when <c>end &lt; streamTime - grace</c> — strictly less, unlike time windows. Output timestamps are the
/// session end, for updates and tombstones alike.</item>
/// <item>Absence: null keys and values are dropped (counted); late records are counted as <c>expired-window</c> and
/// handed to the late-record handler.</item>
/// </list>
/// Timeline (gap 5): a@0 → [0,0]=1 · b@10 → [10,10]=1 · c@5 → tombstones [0,0] and [10,10], then [0,10]=3.
/// Pinned by SessionWindowedAggregationTests.Session_BridgingRecord_MergesSessions_AndRetractsTheOldOnes.
/// </summary>
internal sealed class SessionWindowAggregate<TKey, TValue, TAgg>(
    string name, WindowAggregateSpec<TKey, TValue, TAgg> spec, SessionWindows windows, Func<TKey, TAgg, TAgg, TAgg> merger)
    : WindowAggregateBase<TKey, TValue, TAgg>(name, spec)
{
    private ISessionStore<TKey, TAgg> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<ISessionStore<TKey, TAgg>>(Spec.StoreName);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (!Accept(record)) return;
        var key = record.Key!;
        long t = record.Timestamp;
        long closeTime = CloseTime;
        var merged = _store.FindSessions(key, t - windows.InactivityGapMs, t + windows.InactivityGapMs);
        long start = t, end = t;
        bool hasAgg = Spec.Initializer is not null;
        TAgg agg = hasAgg ? Spec.Initializer!() : default!;
        foreach (var session in merged)
        {
            agg = hasAgg ? merger(key, agg, session.Value) : session.Value;
            hasAgg = true;
            start = Math.Min(start, session.Key.Window.Start);
            end = Math.Max(end, session.Key.Window.End);
        }

        if (end < closeTime)
        {
            DropLate(record);
        }
        else
        {
            if (start != t || end != t)
            {
                foreach (var session in merged)
                {
                    _store.Remove(session.Key);
                    EmitRemoval(record, session.Key, session.Value);
                }
            }
            agg = hasAgg ? Spec.Aggregator(key, record.Value!, agg) : Spec.First!(record.Value!);
            CheckNotNull(agg, Name, key);
            var sessionKey = new Windowed<TKey>(key, new Window(start, end));
            _store.Put(sessionKey, agg);
            EmitUpdate(record, sessionKey, agg, false, default, end);
        }
        // Final only once no record that is not late (t >= closeTime) can merge with it: end + gap < closeTime.
        // Kafka emits at end < closeTime, and a later record within the gap then makes a larger session while
        // the emitted one is never retracted (pinned by WindowedCountPropertyTests, session case).
        EmitClosed(closeTime - windows.InactivityGapMs - 1);
    }
}
