using Braid.Internal.Nodes;
using Braid.Internal.Tables;

namespace Braid.Internal.Joins;

/// <summary>Which rows a table–table join keeps.</summary>
internal enum JoinKind
{
    Inner,
    Left,
    Outer,
}

/// <summary>
/// One side of a KTable–KTable primary-key join (Kafka Streams 4.x). Each input table gets one of
/// these; it looks up the other side's current value through a value getter, and both feed a merger.
/// <list type="bullet">
/// <item>State: none of its own; the two tables' stores (or views computed from them).</item>
/// <item>Emit rule: an update on either side emits the new result with the old result beside it, so
/// downstream aggregates can retract. Inner: nothing when the other side is absent. Left: the left
/// side always emits; the right side emits only while the left row exists. Outer: emits unless both the
/// update and the other side are empty. A result that disappears is sent as a tombstone.</item>
/// <item>Time rule: result timestamp = max(update's ts, other side's value ts), or the update's ts when
/// the other side is absent (it-table-table-* vectors pin this).</item>
/// <item>Versioned inputs (KIP-914): an out-of-order update (<c>IsLatest = false</c>) changed only the
/// input's history, so it produces no result (counted as dropped, as Kafka's droppedRecordsSensor);
/// vector it-table-table-inner-versioned-both pins this.</item>
/// <item>Absence: table sources already dropped null keys; a missing side is passed to the joiner as
/// null (the DSL refuses value types that cannot be null for left/outer joins).</item>
/// <item>Old results are computed only when a node downstream reads them (an aggregate retracting, a filter):
/// Kafka's <c>KTableKTableInnerJoin</c> and its siblings join the old value only <c>if (sendOldValues)</c>,
/// which downstream operators switch on. Behind a <c>ToStream</c> the change goes out without one: one joiner
/// call per update instead of two.</item>
/// </list>
/// </summary>
internal sealed class TableTableJoin<TKey, TThis, TOther, TResult>(
    string name, TableValueGetterSupplier<TKey, TOther> other, Func<TThis?, TOther?, TResult> joiner,
    JoinKind kind, bool isLeftSide)
    : ProcessorNode<TKey, Change<TThis>, TKey, Change<TResult>>(name)
{
    private ITableValueGetter<TKey, TOther> _other = null!;
    private bool _sendOldValues = true;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _other = other.Create(context);
        _sendOldValues = ChildrenReadOldValues();
    }

    public override void Process(in Record<TKey, Change<TThis>> record)
    {
        var c = record.Value;
        if (!c.IsLatest)
        {
            Context.RecordDropped(Name, "out-of-order-versioned-update");
            return;
        }
        bool otherPresent = _other.TryGet(record.Key!, out var o);
        // "This side must exist" joins: inner (both sides), and the right side of a left join.
        bool needOther = kind == JoinKind.Inner || (kind == JoinKind.Left && !isLeftSide);
        if (!otherPresent && (needOther || (!c.HasNew && !c.HasOld))) return;
        long ts = otherPresent ? Math.Max(record.Timestamp, o.Timestamp) : record.Timestamp;
        var otherValue = otherPresent ? o.Value : default;

        bool hasNew, hasOld;
        if (kind == JoinKind.Inner || (kind == JoinKind.Left && isLeftSide))
        {
            hasNew = c.HasNew;
            hasOld = c.HasOld;
        }
        else if (kind == JoinKind.Left)
        {
            // Right side of a left join: the left row exists, so there is always a result before and after.
            hasNew = true;
            hasOld = true;
        }
        else
        {
            hasNew = otherPresent || c.HasNew;
            hasOld = otherPresent || c.HasOld;
        }
        hasOld &= _sendOldValues;
        var newResult = hasNew ? joiner(c.HasNew ? c.New : default, otherValue) : default;
        var oldResult = hasOld ? joiner(c.HasOld ? c.Old : default, otherValue) : default;
        Forward(new Record<TKey, Change<TResult>>(record.Key, new Change<TResult>(newResult, hasNew, oldResult, hasOld, c.IsLatest), ts, record.Headers));
    }
}
