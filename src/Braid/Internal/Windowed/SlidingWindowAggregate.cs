using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>
/// Sliding window aggregate / count / reduce (KIP-450, Kafka's KStreamSlidingWindowAggregate).
/// <list type="bullet">
/// <item>State: a window store (no duplicates) mapping (key, window start) to the aggregate and the largest
/// record timestamp in it; retention = 2 × timeDifference + grace (or the Materialized retention when larger).</item>
/// <item>Emit rule: a record at <c>t</c> updates every existing window containing it, creates its own left
/// window <c>[t - d, t]</c> (seeded with the aggregate of the previous record's window when that record lies
/// within d), its right window <c>[t + 1, t + 1 + d]</c> when a later record already exists within d, and the
/// previous record's right window when that window now has a record. Each update is forwarded (or, with
/// emit-on-window-close, held until the window closes).</item>
/// <item>Time rule: windows are <c>[start, start + d]</c>, both inclusive; a window is open while
/// <c>end &gt;= streamTime - grace</c> (inclusive ends, as Kafka). Records before <c>d</c> share <c>[0, d]</c>. The output timestamp is the
/// largest record timestamp in the window.</item>
/// <item>Absence: null keys and values are dropped (counted). A record whose left and right windows are both
/// closed (<c>t + 1 + d &lt;= streamTime - grace</c>) is dropped, counted as <c>expired-window</c> and handed to the
/// late-record handler, as is a record every one of whose windows turned out closed; closed windows a partly
/// late record would touch are skipped, and the record still counts in its open ones (Kafka also counts each
/// skipped window as a dropped record).</item>
/// </list>
/// Timeline (d = 10): a@10 → [0,10]=1 · b@15 → [5,15]=2 (seeded from [0,10]), [11,21]=1 (a's right window) ·
/// c@12 (out of order) → [5,15]=3, [11,21]=2, [2,12]=2 (left), [13,23]=1 (right, holds b). Pinned by
/// SlidingWindowedAggregationTests.Sliding_OutOfOrderRecord_CreatesItsWindowsAndUpdatesThoseContainingIt.
/// </summary>
internal sealed class SlidingWindowAggregate<TKey, TValue, TAgg>(string name, WindowAggregateSpec<TKey, TValue, TAgg> spec, SlidingWindows windows)
    : WindowAggregateBase<TKey, TValue, TAgg>(name, spec)
{
    private readonly long _d = windows.TimeDifferenceMs;
    private readonly List<TimestampedValue<ValueAndTimestamp<TAgg>>> _found = new();
    private IWindowStore<TKey, ValueAndTimestamp<TAgg>> _store = null!;
    private bool _updatedAny;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IWindowStore<TKey, ValueAndTimestamp<TAgg>>>(Spec.StoreName);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (!Accept(record)) return;
        long t = record.Timestamp;
        long closeTime = CloseTime;
        _updatedAny = false;
        if (t + 1 + _d > closeTime)
        {
            if (t < _d) ProcessEarly(record, closeTime);
            else ProcessInOrder(record, closeTime);
        }
        // Every window the record belongs to was closed (the fast check above, or all skipped below).
        if (!_updatedAny) DropLate(record);
        // Open while end >= close time, so the last closed end is closeTime - 1.
        EmitClosed(closeTime - 1);
    }

    private void ProcessInOrder(in Record<TKey, TValue> record, long closeTime)
    {
        var key = record.Key!;
        long t = record.Timestamp;
        var starts = new HashSet<long>();
        bool hasLeftAgg = false, hasRightAgg = false, leftCreated = false, rightCreated = false;
        ValueAndTimestamp<TAgg> leftAgg = default, rightAgg = default;
        long? previous = null;
        _found.Clear();
        // One past t catches the record's own right window, if it exists.
        _store.Fetch(key, Math.Max(0, t - 2 * _d), t + 1, _found);
        foreach (var w in _found)
        {
            long start = w.Timestamp, end = start + _d, maxTs = w.Value.Timestamp;
            starts.Add(start);
            if (end < t)
            {
                // A window ending before t: its newest record is the latest one before t, so far.
                leftAgg = w.Value;
                hasLeftAgg = true;
                previous = maxTs;
            }
            else if (end == t)
            {
                leftCreated = true;
                if (maxTs < t) previous = maxTs;
                Update(record, start, w.Value, hadOld: true, closeTime);
            }
            else if (start <= t)
            {
                rightAgg = w.Value;
                hasRightAgg = true;
                Update(record, start, w.Value, hadOld: true, closeTime);
            }
            else if (start == t + 1)
            {
                rightCreated = true;
            }
            else
            {
                throw new StreamsException($"'{Name}': unexpected sliding window starting at {start} while processing a record at {t}.");
            }
        }

        // The previous record's right window gets its first record: this one.
        if (previous is { } p && !starts.Contains(p + 1) && p + 1 + _d >= t)
            Update(record, p + 1, default, hadOld: false, closeTime);

        if (!leftCreated)
        {
            bool seeded = previous is { } prev && t - _d <= prev && hasLeftAgg;
            Update(record, t - _d, seeded ? new ValueAndTimestamp<TAgg>(leftAgg.Value, t) : default, hadOld: seeded, closeTime, seed: seeded);
        }

        if (!rightCreated && hasRightAgg && rightAgg.Timestamp > t) CreateRightWindow(record, rightAgg);
    }

    private void ProcessEarly(in Record<TKey, TValue> record, long closeTime)
    {
        var key = record.Key!;
        long t = record.Timestamp;
        var starts = new HashSet<long>();
        bool hasCombined = false, hasRightAgg = false, rightCreated = false;
        ValueAndTimestamp<TAgg> combined = default, rightAgg = default;
        long? previous = null;
        _found.Clear();
        _store.Fetch(key, 0, t + 1, _found);
        foreach (var w in _found)
        {
            long start = w.Timestamp;
            starts.Add(start);
            if (start == 0)
            {
                combined = w.Value;
                hasCombined = true;
                if (w.Value.Timestamp < t) previous = w.Value.Timestamp;
            }
            else if (start <= t)
            {
                rightAgg = w.Value;
                hasRightAgg = true;
                Update(record, start, w.Value, hadOld: true, closeTime);
            }
            else if (start == t + 1)
            {
                rightCreated = true;
            }
            else
            {
                throw new StreamsException($"'{Name}': unexpected sliding window starting at {start} while processing an early record at {t}.");
            }
        }

        // Without a right window found, the records of [0, d] later than t make up t's right window.
        if (!hasRightAgg && hasCombined && combined.Timestamp > t)
        {
            rightAgg = combined;
            hasRightAgg = true;
        }
        if (!rightCreated && hasRightAgg && rightAgg.Timestamp > t) CreateRightWindow(record, rightAgg);
        if (previous is { } p && !starts.Contains(p + 1)) Update(record, p + 1, default, hadOld: false, closeTime);
        Update(record, 0, combined, hadOld: hasCombined, closeTime);
    }

    /// <summary>The right window of t holds exactly the records of the window it was found in that are later than t.</summary>
    private void CreateRightWindow(in Record<TKey, TValue> record, ValueAndTimestamp<TAgg> rightAgg)
    {
        long start = record.Timestamp + 1;
        _updatedAny = true;
        _store.Put(record.Key!, rightAgg, start);
        EmitUpdate(record, new Windowed<TKey>(record.Key!, new Window(start, start + _d)), rightAgg.Value, false, default, rightAgg.Timestamp);
    }

    /// <summary>
    /// Adds the record to the window starting at <paramref name="start"/>, whose aggregate so far is
    /// <paramref name="current"/> (absent for a new window; for a seeded left window, the previous window's records).
    /// </summary>
    private void Update(in Record<TKey, TValue> record, long start, ValueAndTimestamp<TAgg> current, bool hadOld, long closeTime, bool seed = false)
    {
        long end = start + _d;
        // Inclusive ends: a window is open while end >= close time. A closed window is skipped; the record
        // counts as dropped only when it changed no window at all.
        if (end < closeTime) return;
        _updatedAny = true;
        var key = record.Key!;
        TAgg agg = hadOld ? Spec.Aggregator(key, record.Value!, current.Value) : Spec.Start(key, record.Value!);
        CheckNotNull(agg, Name, key);
        long ts = hadOld ? Math.Max(record.Timestamp, current.Timestamp) : record.Timestamp;
        _store.Put(key, new ValueAndTimestamp<TAgg>(agg, ts), start);
        // A seeded left window is new downstream, so it carries no old value.
        EmitUpdate(record, new Windowed<TKey>(key, new Window(start, end)), agg, hadOld && !seed, current.Value, ts);
    }
}
