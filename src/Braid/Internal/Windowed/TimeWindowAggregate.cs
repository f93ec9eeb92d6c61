using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>
/// Tumbling and hopping window aggregate / count / reduce (Kafka's KStreamWindowAggregate).
/// <list type="bullet">
/// <item>State: a window store (no duplicates) mapping (key, window start) to the aggregate and its timestamp;
/// retention = size + grace (or the Materialized retention when larger).</item>
/// <item>Emit rule: every record updates each open window containing its timestamp and, by default, forwards
/// each updated window at once (new and old aggregate). With emit-on-window-close nothing is forwarded until a
/// window closes; then its final aggregate is forwarded once.</item>
/// <item>Time rule: windows are <c>[start, start + size)</c>, starts are multiples of the advance. A window is
/// open while <c>end &gt; streamTime - grace</c> (stream time = largest timestamp this node has seen). The
/// output timestamp is the largest record timestamp in the window.</item>
/// <item>Absence: null keys and null values are dropped (counted). A record whose windows are all closed is
/// dropped, counted as <c>expired-window</c> and handed to the late-record handler; a hopping record that is
/// late for some windows only updates the open ones.</item>
/// </list>
/// Timeline (size 10, grace 5): a@3 → [0,10)=1 · b@14 (stream 14, close 9) · c@8 → [0,10)=2 (10 &gt; 9) ·
/// d@20 (close 15) · e@9 → dropped: 10 &lt;= 15. Pinned by TimeWindowedAggregationTests.Tumbling_RecordWithinGrace_IsCounted_LaterOneDropped.
/// </summary>
internal sealed class TimeWindowAggregate<TKey, TValue, TAgg>(string name, WindowAggregateSpec<TKey, TValue, TAgg> spec, TimeWindows windows)
    : WindowAggregateBase<TKey, TValue, TAgg>(name, spec)
{
    private readonly List<TimestampedValue<ValueAndTimestamp<TAgg>>> _found = new(1);
    private IWindowStore<TKey, ValueAndTimestamp<TAgg>> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IWindowStore<TKey, ValueAndTimestamp<TAgg>>>(Spec.StoreName);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (!Accept(record)) return;
        var key = record.Key!;
        long closeTime = CloseTime;
        bool updated = false;
        foreach (long start in windows.WindowStartsFor(record.Timestamp))
        {
            long end = start + windows.SizeMs;
            if (end <= closeTime) continue;
            updated = true;
            _found.Clear();
            bool hadOld = _store.Fetch(key, start, start, _found) > 0;
            var old = hadOld ? _found[0].Value : default;
            TAgg agg = hadOld ? Spec.Aggregator(key, record.Value!, old.Value) : Spec.Start(key, record.Value!);
            CheckNotNull(agg, Name, key);
            long ts = hadOld ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;
            _store.Put(key, new ValueAndTimestamp<TAgg>(agg, ts), start);
            EmitUpdate(record, new Windowed<TKey>(key, new Window(start, end)), agg, hadOld, old.Value, ts);
        }
        if (!updated) DropLate(record);
        EmitClosed(closeTime);
    }
}
