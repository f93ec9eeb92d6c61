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
/// sides, ordered (timestamp, right before left, key). Both sides share one <see cref="SharedJoinTime"/>.</item>
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
    // Only one side holds its unmatched records (a left join): the held keys' order is kept beside the store
    // (HeldOrder) and an emit pass pops the expired ones from its front.
    private readonly bool _oneSideHolds;
    private HeldOrder<TKey>? _order;
    private readonly Func<TKey, TThis, TOther?, TResult> _joiner;
    private readonly List<TimestampedValue<TOther>> _matches = new();
    // The held records of one emit pass, copied out of the store (the pass deletes what it emits); reused between
    // passes instead of a new snapshot list per pass (a ninth of a left join's allocation, issue 19).
    private readonly List<KeyValue<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>> _pass = new();
    private IWindowStore<TKey, TThis> _thisStore = null!;
    private IWindowStore<TKey, TOther> _otherStore = null!;
    private IKeyValueStore<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>? _held;
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
        _oneSideHolds = spec.LeftKeepsUnmatched != spec.RightKeepsUnmatched;
    }

    protected abstract bool IsLeft { get; }

    /// <summary>Appends this side's value to the held values (Kafka's makeThisValue).</summary>
    protected abstract void AddHeld(NonJoinedValues<TLeft, TRight> values, TThis value);

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _thisStore = context.GetStore<IWindowStore<TKey, TThis>>(_thisStoreName);
        _otherStore = context.GetStore<IWindowStore<TKey, TOther>>(_otherStoreName);
        if (_spec.HeldStoreName is not null)
            _held = context.GetStore<IKeyValueStore<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>>(_spec.HeldStoreName);
        _time = context.GetOrCreateShared(_spec.JoinName, () => new SharedJoinTime(
            context.NodeStreamTime(_spec.JoinName), context.NodeStreamTime(SharedJoinTime.MinHeldTimeNode(_spec.JoinName))));
        _emitIntervalMs = (long)context.Config.OuterJoinEmitInterval.TotalMilliseconds;
        if (_oneSideHolds && _held is not null)
        {
            var time = _time;
            _order = context.GetOrCreateShared(SharedJoinTime.HeldOrderName(_spec.JoinName), () =>
            {
                var order = new HeldOrder<TKey>(_spec.KeySerde);
                if (time.Restored) order.Forget(); // rebuilt by the first pass, a full one
                return order;
            });
        }
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
            // The held order keeps its entry: it is a candidate, checked against the store when it reaches an end (HeldOrder).
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
        if (!_held!.TryGet(heldKey, out var values))
        {
            values = new NonJoinedValues<TLeft, TRight>();
            _order?.Add(ts, key);
        }
        AddHeld(values, value);
        values.AddHeaders(headers);
        _held.Put(heldKey, values);
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
        if (_order is { Known: true })
        {
            EmitExpiredOfOneSide(streamTime, grace);
            return;
        }
        _time.MinHeldTime = long.MaxValue;
        bool leftOpen = false, rightOpen = false;
        _order?.Restart(); // a restored left join: the keys left open below are appended in store order
        // Every held record in store order: the empty prefix of the serialized keys (what All() returns).
        IPrefixScanInto<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>.ScanInto(_held!, [], _pass);
        foreach (var (key, values) in _pass)
        {
            _time.MinHeldTime = key.Timestamp;
            if (leftOpen && rightOpen) break;
            long lookBack = key.IsLeft ? _spec.Windows.AfterMs : _spec.Windows.BeforeMs;
            if (key.Timestamp + lookBack + grace >= streamTime)
            {
                // Still open. Entries are in timestamp order, so later entries of this side are open too.
                if (key.IsLeft) leftOpen = true;
                else rightOpen = true;
                _order?.Add(key.Timestamp, key.Key);
                continue;
            }
            Release(key, values);
        }
        _pass.Clear(); // no held values kept alive by the scratch list
    }

    /// <summary>
    /// The pass of a join where one side only holds records, without reading the store's order: keys are timestamp first
    /// and share one look-back, so the expired keys are the front of <see cref="HeldOrder{TKey}"/>, popped until the
    /// first open one. Kafka's walk goes on over the open keys without emitting any and leaves minTime at the last key's
    /// timestamp (MAX_VALUE when the store is empty): the order's last live entry before the pass, so the next pass comes
    /// exactly when Kafka's would. An entry whose key a match deleted is found absent in the store and dropped.
    /// </summary>
    private void EmitExpiredOfOneSide(long streamTime, long grace)
    {
        var order = _order!;
        bool heldIsLeft = _spec.LeftKeepsUnmatched;
        long lookBack = heldIsLeft ? _spec.Windows.AfterMs : _spec.Windows.BeforeMs;
        long bound = streamTime - lookBack - grace; // expired: timestamp + lookBack + grace < streamTime
        // Kafka's walk sets minTime to every key it reads, emitted or not: the last key's timestamp before the pass
        // (MAX_VALUE only when the store was empty). The order's last live entry; dead ones (matched away) are dropped.
        long lastTs = long.MaxValue;
        while (order.TryPeekLast(out long ts, out var key))
        {
            if (_held!.TryGet(new NonJoinedKey<TKey>(ts, heldIsLeft, key), out _))
            {
                lastTs = ts;
                break;
            }
            order.RemoveLast(); // matched away
        }
        while (order.TryPeekFirst(out long ts, out var key) && ts < bound)
        {
            order.RemoveFirst();
            var heldKey = new NonJoinedKey<TKey>(ts, heldIsLeft, key);
            if (_held!.TryGet(heldKey, out var values)) Release(heldKey, values);
        }
        _time.MinHeldTime = lastTs;
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
