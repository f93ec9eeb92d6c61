using Braid.Internal.Nodes;

namespace Braid.Internal.Aggregations;

/// <summary>
/// KTable GroupBy: maps each row change to its group key. The old row is sent to be subtracted from its
/// old group and the new row to be added to its new group; when both land in the same group one record
/// carries both (KIP-904), so the aggregate never shows a transient "removed" state.
/// Rows whose selected key or value is null belong to no group.
/// An out-of-order update of a versioned table (<c>IsLatest = false</c>) changed only the table's history, not
/// its latest value, so it is not sent to any group (Kafka's KTableRepartitionMap: <c>useVersionedSemantics &amp;&amp;
/// !isLatest</c>; KTableAggregateTest.testAggOfVersionedStore). This map is the only way into a table
/// aggregation (Aggregate, Reduce, Count, Collect), so each of them sees latest values only.
/// </summary>
internal sealed class TableRepartitionMap<TKey, TValue, TGroupKey, TGroupValue>(
    string name, Func<TKey, TValue, KeyValue<TGroupKey, TGroupValue>> selector)
    : ProcessorNode<TKey, Change<TValue>, TGroupKey, Change<TGroupValue>>(name)
{
    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        var c = record.Value;
        if (!c.IsLatest)
        {
            Context.RecordDropped(Name, "out-of-order-versioned-update");
            return;
        }
        var key = record.Key!;
        KeyValue<TGroupKey, TGroupValue> n = default, o = default;
        bool hasNew = c.HasNew && Valid(n = selector(key, c.New!));
        bool hasOld = c.HasOld && Valid(o = selector(key, c.Old!));
        if (hasNew && hasOld && EqualityComparer<TGroupKey>.Default.Equals(n.Key, o.Key))
        {
            Forward(new Record<TGroupKey, Change<TGroupValue>>(n.Key, new Change<TGroupValue>(n.Value, true, o.Value, true, c.IsLatest), record.Timestamp, record.Headers));
            return;
        }
        if (hasOld)
            Forward(new Record<TGroupKey, Change<TGroupValue>>(o.Key, new Change<TGroupValue>(default, false, o.Value, true, c.IsLatest), record.Timestamp, record.Headers));
        if (hasNew)
            Forward(new Record<TGroupKey, Change<TGroupValue>>(n.Key, new Change<TGroupValue>(n.Value, true, default, false, c.IsLatest), record.Timestamp, record.Headers));
    }

    private static bool Valid(in KeyValue<TGroupKey, TGroupValue> kv) => kv.Key is not null && kv.Value is not null;
}
