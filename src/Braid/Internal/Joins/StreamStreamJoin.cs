using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// One side of a KStream–KStream windowed join, inner/left/outer (Kafka Streams 4.x KStreamKStreamJoin, KIP-633).
/// The join is two of these nodes (left and right) feeding one merge node.
/// <list type="bullet">
/// <item>State: a window store per side (retention = before + after + grace, duplicates kept); each side
/// reads the other's. Left/outer joins add a key–value store of held non-joined records, shared by both
/// sides, ordered (timestamp, right before left, key); on RocksDB the records live in memory and the store gets only those
/// still held at a commit (<see cref="HeldRecords{TKey,TLeft,TRight}"/>, written at the pre-commit hook). Both sides share one <see cref="SharedJoinTime"/>.</item>
/// <item>Emit rule: a record joins every buffered record of the other side with the same key and a timestamp in
/// its window, at once. A record without a match, on a side that keeps unmatched records (left side of a left
/// join, both sides of an outer join), is held; it is emitted joined with null once stream time is strictly
/// greater than its timestamp + after (left) or + before (right) + grace, or dropped from the buffer if a
/// match arrives first.</item>
/// <item>Time rule: one stream time for both inputs (max timestamp seen, null values included). Held results
/// are released only when a record arrives with a timestamp equal to stream time, before that record's own
/// results, in buffer order, keeping their own key, timestamp and headers. A record whose window already ended when it
/// arrives (timestamp + after/before &lt; stream time) and has no match is emitted at once. Join results carry
/// the larger of the two timestamps.</item>
/// <item>Absence: null-value records are dropped (counted) but advance stream time. Null keys (KIP-962): a
/// side that keeps unmatched records emits them at once joined with null; otherwise they are dropped (counted).
/// A record too late to be buffered (older than its store's retention) is still joined against what is
/// buffered, but counted as <c>late</c> and never joins later records.</item>
/// </list>
/// Timeline (window 100 ms, grace 10 ms, left join): L(k)@0 held → R(k)@101 no match (101 &gt; 0+100) →
/// any record @111 ... still held (111 is not &gt; 110) → record @112 releases <c>L+null</c>@0 first.
/// Pinned by ut-stream-stream-left-grace, ut-stream-stream-outer-grace, ut-stream-stream-outer-asymmetric and
/// StreamStreamJoinTests.LeftJoin_EmitsUnmatchedRecord_OnlyWhenStreamTimePassesWindowEndPlusGrace.
/// </summary>
internal abstract class StreamStreamJoin<TKey, TLeft, TRight, TResult, TThis, TOther> : ProcessorNode<TKey, TThis, TKey, TResult>
{
    private readonly StreamStreamJoinSpec<TKey, TLeft, TRight, TResult> _spec;
    private readonly string _thisStoreName;
    private readonly string _otherStoreName;
    private readonly long _joinBeforeMs;
    private readonly long _joinAfterMs;
    private readonly bool _keepsUnmatched;
    // Whether the other side's unmatched records are held: only then can a match have a held entry of it to delete.
    private readonly bool _otherKeepsUnmatched;
    // The held keys' order of each holding side, kept beside the store (HeldOrder): an emit pass pops the expired ones
    // from their fronts, merged in the store's order (one side for a left join, both for an outer join); null: not held.
    private HeldOrder<TKey>? _leftOrder;
    private HeldOrder<TKey>? _rightOrder;
    private readonly Func<TKey, TThis, TOther?, TResult> _joiner;
    private readonly List<TimestampedValue<TOther>> _matches = new();
    // The held records of one emit pass, copied out of the store (the pass deletes what it emits); reused between
    // passes instead of a new snapshot list per pass (a ninth of a left join's allocation, issue 19).
    private readonly List<KeyValue<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>> _pass = new();
    private IWindowStore<TKey, TThis> _thisStore = null!;
    private IWindowStore<TKey, TOther> _otherStore = null!;
    // The held records (Kafka's outerJoinStore), shared by both sides: in memory, the store written at commits (HeldRecords).
    private HeldRecords<TKey, TLeft, TRight>? _held;
    private SharedJoinTime _time = null!;
    private long _emitIntervalMs;

    protected StreamStreamJoin(string name, StreamStreamJoinSpec<TKey, TLeft, TRight, TResult> spec, bool isLeft,
        Func<TKey, TThis, TOther?, TResult> joiner) : base(name)
    {
        _spec = spec;
        _joiner = joiner;
        _thisStoreName = isLeft ? spec.LeftStoreName : spec.RightStoreName;
        _otherStoreName = isLeft ? spec.RightStoreName : spec.LeftStoreName;
        // A right record r joins left records l with l.ts in [r.ts - after, r.ts + before].
        _joinBeforeMs = isLeft ? spec.Windows.BeforeMs : spec.Windows.AfterMs;
        _joinAfterMs = isLeft ? spec.Windows.AfterMs : spec.Windows.BeforeMs;
        _keepsUnmatched = isLeft ? spec.LeftKeepsUnmatched : spec.RightKeepsUnmatched;
        _otherKeepsUnmatched = isLeft ? spec.RightKeepsUnmatched : spec.LeftKeepsUnmatched;
    }

    protected abstract bool IsLeft { get; }

    /// <summary>Appends this side's value to the held values (Kafka's makeThisValue).</summary>
    protected abstract void AddHeld(NonJoinedValues<TLeft, TRight> values, TThis value);

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _thisStore = context.GetStore<IWindowStore<TKey, TThis>>(_thisStoreName);
        _otherStore = context.GetStore<IWindowStore<TKey, TOther>>(_otherStoreName);
        _time = context.GetOrCreateShared(_spec.JoinName, () => new SharedJoinTime(
            context.NodeStreamTime(_spec.JoinName), context.NodeStreamTime(SharedJoinTime.MinHeldTimeNode(_spec.JoinName))));
        if (_spec.HeldStoreName is { } heldName)
        {
            var time = _time;
            _held = context.GetOrCreateShared(SharedJoinTime.HeldRecordsName(_spec.JoinName), () => new HeldRecords<TKey, TLeft, TRight>(
                context.GetStore<IKeyValueStore<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>>(heldName), known: !time.Restored));
        }
        _emitIntervalMs = (long)context.Config.OuterJoinEmitInterval.TotalMilliseconds;
        if (_held is not null)
        {
            if (_spec.LeftKeepsUnmatched) _leftOrder = SharedOrder(context, isLeft: true);
            if (_spec.RightKeepsUnmatched) _rightOrder = SharedOrder(context, isLeft: false);
        }
    }

    private HeldOrder<TKey> SharedOrder(TaskContext context, bool isLeft)
    {
        var time = _time;
        return context.GetOrCreateShared(SharedJoinTime.HeldOrderName(_spec.JoinName, isLeft), () =>
        {
            var order = new HeldOrder<TKey>(_spec.KeySerde);
            if (time.Restored) order.Forget(); // rebuilt by the first pass, a full one
            return order;
        });
    }

    public override void Process(in Record<TKey, TThis> record)
    {
        long ts = record.Timestamp;
        _time.Advance(ts);
        if (record.Key is null)
        {
            if (_keepsUnmatched && record.Value is not null)
                Forward(new Record<TKey, TResult>(record.Key, _joiner(record.Key!, record.Value, default), ts, record.Headers));
            else
                Context.RecordDropped(Name, "null-key");
            return;
        }
        if (record.Value is null)
        {
            Context.RecordDropped(Name, "null-value");
            return;
        }
        if (_held is not null && ts == _time.StreamTime) EmitClosedNonJoined();

        long timeFrom = Math.Max(0L, ts - _joinBeforeMs);
        long timeTo = Math.Max(0L, ts + _joinAfterMs);
        _matches.Clear();
        _otherStore.Fetch(record.Key, timeFrom, timeTo, _matches);
        foreach (var other in _matches)
        {
            // The other record found its match: it must never be emitted as non-joined. A side that never holds its
            // unmatched records (the right side of a left join) has no held entry to delete: no store call (session 7,
            // s8-win's profile: 7% of a RocksDB left join was these deletes). Kafka: KStreamKStreamJoin.emitInnerJoin calls
            // outerJoinStore.putIfAbsent(otherKey, null) whatever the side; such a key is never there, so the outcome is the same.
            // The held order keeps its entry: it is a candidate, checked against the held set when it reaches an end (HeldOrder).
            if (_otherKeepsUnmatched) _held!.Delete(new NonJoinedKey<TKey>(other.Timestamp, !IsLeft, record.Key));
            Forward(new Record<TKey, TResult>(record.Key, _joiner(record.Key, record.Value, other.Value), Math.Max(ts, other.Timestamp), record.Headers));
        }
        if (_matches.Count == 0 && _keepsUnmatched)
        {
            if (_held is null || timeTo < _time.StreamTime)
                Forward(new Record<TKey, TResult>(record.Key, _joiner(record.Key, record.Value, default), ts, record.Headers));
            else
                Hold(record.Key, record.Value, ts, record.Headers);
        }
        _matches.Clear();
        if (!_thisStore.Put(record.Key, record.Value, ts)) Context.RecordDropped(Name, "late");
    }

    private void Hold(TKey key, TThis value, long ts, Headers? headers)
    {
        if (ts < _time.MinHeldTime) _time.MinHeldTime = ts;
        var heldKey = new NonJoinedKey<TKey>(ts, IsLeft, key);
        bool added = !_held!.TryGet(heldKey, out var values);
        if (added)
        {
            values = new NonJoinedValues<TLeft, TRight>();
            (IsLeft ? _leftOrder : _rightOrder)?.Add(ts, key);
        }
        AddHeld(values, value);
        values.AddHeaders(headers);
        _held.Put(heldKey, values, added);
    }

    /// <summary>
    /// Emits held records whose window + grace has closed (Kafka's emitNonJoinedOuterRecords, including its
    /// cheap pre-check on the earliest held time, which uses this side's "after", and its wall-clock throttle).
    /// </summary>
    private void EmitClosedNonJoined()
    {
        long streamTime = _time.StreamTime;
        long grace = _spec.Windows.GraceMs;
        if (_time.MinHeldTime == long.MaxValue || _time.MinHeldTime + _joinAfterMs + grace >= streamTime) return;
        if (_emitIntervalMs > 0)
        {
            long now = Context.WallClockMs;
            if (now < _time.NextTimeToEmit) return;
            _time.NextTimeToEmit = now + _emitIntervalMs;
        }
        if (_leftOrder is not { Known: false } && _rightOrder is not { Known: false })
        {
            EmitExpired(streamTime, grace);
            return;
        }
        // A restored join: Kafka's walk over the whole store, which also rebuilds both orders from it (every key it does
        // not release is appended, in store order, so also those after the point where Kafka's walk stops).
        _time.MinHeldTime = long.MaxValue;
        bool leftOpen = false, rightOpen = false, stopped = false;
        _leftOrder?.Restart();
        _rightOrder?.Restart();
        // Every held record in store order: the empty prefix of the serialized keys (what All() returns).
        IPrefixScanInto<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>.ScanInto(_held!.Store, [], _pass);
        foreach (var (key, values) in _pass)
        {
            if (!stopped)
            {
                _time.MinHeldTime = key.Timestamp;
                stopped = leftOpen && rightOpen; // Kafka breaks here, having read this key
            }
            long lookBack = key.IsLeft ? _spec.Windows.AfterMs : _spec.Windows.BeforeMs;
            if (stopped || key.Timestamp + lookBack + grace >= streamTime)
            {
                // Still open. Entries are in timestamp order, so later entries of this side are open too.
                if (key.IsLeft) leftOpen = true;
                else rightOpen = true;
                (key.IsLeft ? _leftOrder : _rightOrder)?.Add(key.Timestamp, key.Key);
                _held.Adopt(key, values);
                continue;
            }
            Release(key, values);
        }
        _pass.Clear(); // no held values kept alive by the scratch list
        // Both orders are known again and every key still held is adopted: the held set lives in memory from here on.
        _held.StartDeferring();
    }

    /// <summary>
    /// Kafka's pass (KStreamKStreamJoin.emitNonJoinedOuterRecords) without reading the store's order. Kafka walks the
    /// store in (timestamp, right before left, key bytes) order, emits every expired key (left: timestamp + after + grace
    /// &lt; stream time; right: + before), marks a side open at its first key that is not, and breaks at the key it reads
    /// once both sides are open, leaving minTime at the timestamp of the last key it read (MAX_VALUE: empty store). Within
    /// one side keys share a look-back, so each side's expired keys are the front of its <see cref="HeldOrder{TKey}"/>: the
    /// pass pops both fronts merged in the store's order (a left join has one order: the plain front). An entry whose key a
    /// match deleted is found absent from the held set (HeldRecords) and dropped. minTime is then computed as Kafka's walk leaves it.
    /// </summary>
    private void EmitExpired(long streamTime, long grace)
    {
        long leftBound = streamTime - _spec.Windows.AfterMs - grace; // a left key expired: timestamp < leftBound
        long rightBound = streamTime - _spec.Windows.BeforeMs - grace;
        // If Kafka's walk reaches the store's end, minTime is its last key's: the later of the sides' last live entries
        // before the pass (an emptied store still leaves the last emitted key's timestamp).
        long lastTs = Math.Max(LastLiveTs(_leftOrder, true), LastLiveTs(_rightOrder, false));
        if (lastTs == long.MinValue) lastTs = long.MaxValue;
        while (true)
        {
            bool left = _leftOrder is not null && _leftOrder.TryPeekFirst(out long lts, out _) && lts < leftBound;
            bool right = _rightOrder is not null && _rightOrder.TryPeekFirst(out long rts, out _) && rts < rightBound;
            if (!left && !right) break;
            // Both expired: the store's order, timestamp first and the right side first at equal timestamps.
            if (left && right) left = FirstTs(_leftOrder!) < FirstTs(_rightOrder!);
            var order = left ? _leftOrder! : _rightOrder!;
            order.TryPeekFirst(out long ts, out var key);
            order.RemoveFirst();
            var heldKey = new NonJoinedKey<TKey>(ts, left, key);
            if (_held!.TryGet(heldKey, out var values)) Release(heldKey, values);
        }
        _time.MinHeldTime = BothOpen(out long minTime) ? minTime : lastTs;
    }

    /// <summary>
    /// Whether both sides still hold a (necessarily open) key after the pass, so that Kafka's walk broke; then
    /// <paramref name="minTime"/> is the timestamp of the key it read last: the first live key after the later of the two
    /// first keys (in store order), or that key's own when none follows.
    /// </summary>
    private bool BothOpen(out long minTime)
    {
        minTime = 0;
        if (_leftOrder is null || _rightOrder is null || !TrimDeadFront(_leftOrder, true) || !TrimDeadFront(_rightOrder, false)) return false;
        _leftOrder.TryPeekFirst(out long lts, out var lkey);
        _rightOrder.TryPeekFirst(out long rts, out var rkey);
        // The later of the two fronts: the left one at an equal timestamp (right before left).
        bool laterIsLeft = lts >= rts;
        var (later, other) = laterIsLeft ? (_leftOrder, _rightOrder) : (_rightOrder, _leftOrder);
        long laterTs = laterIsLeft ? lts : rts;
        long next = long.MaxValue;
        // The later side's next live key (not an equal entry of the same key: a key held again after a match).
        if (NextLive(later, laterIsLeft, 1, laterTs, laterIsLeft ? lkey : rkey, out long ts)) next = ts;
        // The other side's first live key after it: a later timestamp, or an equal one when the other side is the left.
        if (NextLive(other, !laterIsLeft, other.IndexAfter(laterTs, orEqual: laterIsLeft ? false : true), long.MinValue, default!, out ts))
            next = Math.Min(next, ts);
        minTime = next == long.MaxValue ? laterTs : next;
        return true;
    }

    /// <summary>The first live entry at or after <paramref name="from"/> that is not (<paramref name="skipTs"/>, <paramref name="skipKey"/>).</summary>
    private bool NextLive(HeldOrder<TKey> order, bool isLeft, int from, long skipTs, TKey skipKey, out long ts)
    {
        for (int i = from; i < order.Count; i++)
        {
            order.PeekAt(i, out ts, out var key);
            if (ts == skipTs && EqualityComparer<TKey>.Default.Equals(key, skipKey)) continue;
            if (_held!.Contains(new NonJoinedKey<TKey>(ts, isLeft, key))) return true;
        }
        ts = 0;
        return false;
    }

    /// <summary>Drops matched-away entries from the front; whether a live one remains.</summary>
    private bool TrimDeadFront(HeldOrder<TKey> order, bool isLeft)
    {
        while (order.TryPeekFirst(out long ts, out var key))
        {
            if (_held!.Contains(new NonJoinedKey<TKey>(ts, isLeft, key))) return true;
            order.RemoveFirst(); // matched away
        }
        return false;
    }

    /// <summary>The timestamp of the order's last live entry (dead ones, matched away, dropped); MinValue when none.</summary>
    private long LastLiveTs(HeldOrder<TKey>? order, bool isLeft)
    {
        if (order is null) return long.MinValue;
        while (order.TryPeekLast(out long ts, out var key))
        {
            if (_held!.Contains(new NonJoinedKey<TKey>(ts, isLeft, key))) return ts;
            order.RemoveLast(); // matched away
        }
        return long.MinValue;
    }

    private static long FirstTs(HeldOrder<TKey> order)
    {
        order.TryPeekFirst(out long ts, out _);
        return ts;
    }

    /// <summary>Emits a held key's values joined with null, then deletes the key.</summary>
    private void Release(NonJoinedKey<TKey> key, NonJoinedValues<TLeft, TRight> values)
    {
        // A released result carries its own record's headers, not the triggering record's (Kafka attaches the
        // trigger's, an unrelated record; docs/differences.md).
        for (int i = 0; i < values.Count; i++)
        {
            var result = values.IsLeft ? _spec.Joiner(key.Key, values.LeftAt(i), default) : _spec.Joiner(key.Key, default, values.RightAt(i));
            Forward(new Record<TKey, TResult>(key.Key, result, key.Timestamp, values.HeadersAt(i)));
        }
        _held!.Delete(key);
    }
}

/// <summary>What both sides of one stream–stream join agree on.</summary>
internal sealed record StreamStreamJoinSpec<TKey, TLeft, TRight, TResult>(
    string JoinName,
    JoinWindows Windows,
    string LeftStoreName,
    string RightStoreName,
    string? HeldStoreName,
    bool LeftKeepsUnmatched,
    bool RightKeepsUnmatched,
    Func<TKey, TLeft?, TRight?, TResult> Joiner,
    Serde<TKey> KeySerde);

/// <summary>The left side: its records look for right records in [ts - before, ts + after].</summary>
internal sealed class StreamStreamJoinLeftSide<TKey, TLeft, TRight, TResult>(string name, StreamStreamJoinSpec<TKey, TLeft, TRight, TResult> spec)
    : StreamStreamJoin<TKey, TLeft, TRight, TResult, TLeft, TRight>(name, spec, isLeft: true, (k, l, r) => spec.Joiner(k, l, r))
{
    protected override bool IsLeft => true;

    protected override void AddHeld(NonJoinedValues<TLeft, TRight> values, TLeft value) => values.AddLeft(value);
}

/// <summary>The right side: its records look for left records in [ts - after, ts + before].</summary>
internal sealed class StreamStreamJoinRightSide<TKey, TLeft, TRight, TResult>(string name, StreamStreamJoinSpec<TKey, TLeft, TRight, TResult> spec)
    : StreamStreamJoin<TKey, TLeft, TRight, TResult, TRight, TLeft>(name, spec, isLeft: false, (k, r, l) => spec.Joiner(k, l, r))
{
    protected override bool IsLeft => false;

    protected override void AddHeld(NonJoinedValues<TLeft, TRight> values, TRight value) => values.AddRight(value);
}
