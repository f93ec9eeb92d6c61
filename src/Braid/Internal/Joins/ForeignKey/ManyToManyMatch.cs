using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// One side of a many-to-many join on a non-key attribute (SQL <c>JOIN … ON a.x = b.y</c>). Both tables
/// arrive re-keyed by attribute (<see cref="AttributeRekey{TPk,TValue,TAttr}"/>), so rows that may match
/// are on the same partition; each side indexes its rows by (attribute, primary key) and finds the other
/// side's rows of an attribute with one prefix scan. Each input side gets one of these nodes.
/// <list type="bullet">
/// <item>State: this side's index and the other side's index, (attribute, pk) → (value, ts).</item>
/// <item>Emit rule: an upsert emits the pair result with every other-side row of its attribute; a
/// removal emits a tombstone for each of those pairs. When this side's row is preserved (left of a left
/// join, both of an outer join) and the attribute has no partner, it emits (pk, –) instead; the first
/// this-side row of an attribute retracts the other side's (–, pk) rows, the last one brings them back.
/// Outputs are new results only, and <see cref="JoinResultMaterializer{TKey,TResult}"/> adds the old ones from the
/// result store — except for an inner join whose result is not stored (<c>recomputesOld</c>): then a pair's
/// old result is recomputed here, joiner(this row's previous value, the other row's value), as Kafka's
/// KTableKTableInnerJoin recomputes old join results instead of storing them. The other row has not changed since
/// that result was emitted (its change would have emitted a newer one), so the recomputed value is the emitted one
/// for a deterministic joiner; a null result counts as no result, and a removal of a pair that had none is not
/// forwarded, as the materializer does.</item>
/// <item>Time rule: pair ts = max of the two rows' ts; unmatched rows and tombstones: the message's ts.</item>
/// <item>Absence: the joiner gets null for the missing side. A null attribute (sent only for preserved
/// sides) matches nothing: the row appears unmatched.</item>
/// </list>
/// Pinned by ManyToManyJoinTests and the timeline oracle test.
/// </summary>
internal sealed class ManyToManyMatch<TAttr, TPk, TValue, TOtherPk, TOther, TOutKey, TResult>(
    string name, string thisIndex, string otherIndex, Serde<TAttr> attrSerde,
    Func<TPk, TOtherPk, TOutKey> pair, Func<TPk, TOutKey> thisOnly, Func<TOtherPk, TOutKey> otherOnly,
    Func<TValue?, TOther?, TResult> joiner, bool thisPreserved, bool otherPreserved, bool recomputesOld = false)
    : ProcessorNode<TAttr, RowMessage<TPk, TValue>, TOutKey, Change<TResult>>(name)
{
    private IKeyValueStore<CombinedKey<TAttr, TPk>, ValueAndTimestamp<TValue>> _this = null!;
    private IKeyValueStore<CombinedKey<TAttr, TOtherPk>, ValueAndTimestamp<TOther>> _other = null!;
    private IPutAndGetOld<CombinedKey<TAttr, TPk>, ValueAndTimestamp<TValue>>? _swap; // the in-memory index: old entry read and new written in one search
    private byte[]? _prefix; // the scan prefix, rewritten per message (IPrefixScanInto keeps no reference to it)
    private int _touched; // see TouchValues

    // Scan results, reused by every message: nothing re-enters this node while it walks them (its outputs go to the
    // join-result materializer and on; a path back to this node crosses a topic).
    private readonly List<KeyValue<CombinedKey<TAttr, TOtherPk>, ValueAndTimestamp<TOther>>> _others = new();
    private readonly List<KeyValue<CombinedKey<TAttr, TPk>, ValueAndTimestamp<TValue>>> _these = new();

    // An inner join without a result store: every pair change goes through EmitWithOld, which also turns a null joiner
    // result into absence and drops removals of pairs without a result (the materializer's rules).
    private bool _old;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        if (recomputesOld && (thisPreserved || otherPreserved))
            throw new InvalidOperationException("old results are recomputed for inner joins only (unmatched rows have no index entry to recompute from).");
        _old = recomputesOld;
        _this = context.GetStore<IKeyValueStore<CombinedKey<TAttr, TPk>, ValueAndTimestamp<TValue>>>(thisIndex);
        _other = context.GetStore<IKeyValueStore<CombinedKey<TAttr, TOtherPk>, ValueAndTimestamp<TOther>>>(otherIndex);
        _swap = _this as IPutAndGetOld<CombinedKey<TAttr, TPk>, ValueAndTimestamp<TValue>>;
    }

    public override void Process(in Record<TAttr, RowMessage<TPk, TValue>> record)
    {
        var m = record.Value;
        if (m.Pk is null)
        {
            Context.RecordDropped(Name, "null-key");
            return;
        }
        long ts = record.Timestamp;
        if (record.Key is null)
        {
            // Null attribute: the row matches nothing and is not indexed.
            if (thisPreserved) Emit(thisOnly(m.Pk), m.HasValue, m.HasValue ? joiner(m.Value, default) : default, ts, record);
            return;
        }
        var attr = record.Key;
        var key = new CombinedKey<TAttr, TPk>(attr, m.Pk);
        bool existed;
        ValueAndTimestamp<TValue> previous;
        if (m.HasValue && _swap is not null) existed = _swap.PutAndGetOld(key, new ValueAndTimestamp<TValue>(m.Value!, ts), out previous);
        else
        {
            existed = _this.TryGet(key, out previous);
            if (m.HasValue) _this.Put(key, new ValueAndTimestamp<TValue>(m.Value!, ts));
            else if (existed) _this.Delete(key);
            else return;
        }

        var prefix = Prefix(attr);
        var others = _others;
        IPrefixScanInto<CombinedKey<TAttr, TOtherPk>, ValueAndTimestamp<TOther>>.ScanInto(_other, prefix, others);
        TouchValues(others);
        bool anyOther = false;
        foreach (var o in others)
        {
            anyOther = true;
            var k = pair(m.Pk, o.Key.Primary);
            if (_old) EmitWithOld(k, m, existed, previous.Value, o.Value, ts, record);
            else if (m.HasValue) Emit(k, true, joiner(m.Value, o.Value.Value), Math.Max(ts, o.Value.Timestamp), record);
            else Emit(k, false, default, ts, record);
        }
        if (!anyOther)
        {
            if (thisPreserved) Emit(thisOnly(m.Pk), m.HasValue, m.HasValue ? joiner(m.Value, default) : default, ts, record);
            return;
        }
        if (!otherPreserved || existed == m.HasValue) return;

        // This row arrived at or left the attribute: the other side's rows change between matched and
        // unmatched only when it is the first arrival or the last departure of this side.
        if (HasOtherThisRow(prefix, m.Pk)) return;
        foreach (var o in others)
        {
            var k = otherOnly(o.Key.Primary);
            if (m.HasValue) Emit(k, false, default, ts, record);
            else Emit(k, true, joiner(default, o.Value.Value), o.Value.Timestamp, record);
        }
    }

    /// <summary>Reads the first bytes of every partner's value, in one tight loop before any result is emitted. Each pair's
    /// result goes down the joiner, the regroup's selector and a sink before the next pair starts, so a value that is not
    /// in cache (a follow answered with the followee's old tweets, written long ago and scattered over the heap) cost one
    /// full memory miss per pair, in series: 13 % of the timeline's driver pass sat on the one load of the tweet in the
    /// selector (issue 19, s14-tlj perf profile). Loads with no dependency between them overlap, so the misses of the
    /// whole scan cost about one; the emit loop then finds the values in cache. Value types are inline in the scan list.</summary>
    private void TouchValues(List<KeyValue<CombinedKey<TAttr, TOtherPk>, ValueAndTimestamp<TOther>>> others)
    {
        if (typeof(TOther).IsValueType || others.Count < 2) return;
        int sum = 0;
        foreach (var o in others)
        {
            object? v = o.Value.Value;
            if (v is not null) sum += Unsafe.As<FirstByte>(v).Value; // every object has at least one pointer-size of data
        }
        _touched = sum; // kept, so the loads are not removed as dead
    }

#pragma warning disable CS0649 // never written: only read, through Unsafe.As, from other objects
    private sealed class FirstByte { public byte Value; }
#pragma warning restore CS0649

    /// <summary>The index scan prefix of <paramref name="attr"/>, [4-byte big-endian length][attribute bytes] (what
    /// <c>CombinedKeySerde.PrefixSerde</c> writes), in an array kept for the next message of the same length: a new
    /// array per message was a fifth of this node's bytes.</summary>
    private byte[] Prefix(TAttr attr)
    {
        int n = SerdeBytes.Length(attrSerde, attr, out var bytes);
        var b = _prefix is { } r && r.Length == 4 + n ? r : _prefix = new byte[4 + n];
        BinaryPrimitives.WriteInt32BigEndian(b, n);
        SerdeBytes.Write(attr, bytes, b.AsSpan(4));
        return b;
    }

    private bool HasOtherThisRow(byte[] prefix, TPk pk)
    {
        IPrefixScanInto<CombinedKey<TAttr, TPk>, ValueAndTimestamp<TValue>>.ScanInto(_this, prefix, _these);
        foreach (var e in _these)
        {
            if (!EqualityComparer<TPk>.Default.Equals(e.Key.Primary, pk)) return true;
        }
        return false;
    }

    /// <summary>An inner pair's change with its old result recomputed (see the Emit rule); nothing when neither exists.</summary>
    private void EmitWithOld(TOutKey key, RowMessage<TPk, TValue> m, bool existed, TValue? previous, ValueAndTimestamp<TOther> other,
        long ts, in Record<TAttr, RowMessage<TPk, TValue>> from)
    {
        TResult? result = m.HasValue ? joiner(m.Value, other.Value) : default;
        TResult? old = existed ? joiner(previous, other.Value) : default;
        bool has = result is not null, had = old is not null;
        if (!has && !had) return;
        Forward(new Record<TOutKey, Change<TResult>>(key, new Change<TResult>(result, has, old, had),
            m.HasValue ? Math.Max(ts, other.Timestamp) : ts, from.Headers)); // as the stored path: a null result keeps the pair's time
    }

    private void Emit(TOutKey key, bool has, TResult? result, long ts, in Record<TAttr, RowMessage<TPk, TValue>> from) =>
        Forward(new Record<TOutKey, Change<TResult>>(key, new Change<TResult>(result, has, default, false), ts, from.Headers));
}
