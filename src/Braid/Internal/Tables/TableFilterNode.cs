namespace Braid.Internal.Tables;

/// <summary>
/// KTable Filter / FilterNot, as Kafka's KTableFilter decides it.
/// <list type="bullet">
/// <item>State: none, or the filtered table's store when materialized.</item>
/// <item>Emit rule (not materialized): a record the predicate rejects becomes a delete. Whether a delete is sent
/// when neither the new nor the old value passes depends on whether this filter sends old values
/// (<c>sendOldValues</c>: its parent is a named or otherwise materialized table, or a downstream GroupBy,
/// Suppress, left/outer or foreign-key join needs them): without old values every rejected record is sent on
/// as a tombstone, so <c>Filter(p).ToStream()</c> shows <c>k→null</c> for each (KTableFilterTest); with old
/// values such a record is skipped, unless the table upstream is versioned, which still sends it
/// (KTableFilter's <c>useVersionedSemantics</c>; KTableFilterTest.shouldNotSkipNullIfVersionedUpstream).</item>
/// <item>Emit rule (materialized): a delete is sent only for a key the filtered table held, as Kafka does
/// with its record cache (which drops a delete of a key neither the cache nor the store has). An out-of-order
/// update of a versioned parent (not latest) is not put and not forwarded: the store holds latest values
/// only (Kafka would overwrite it with the stale value; docs/differences.md).</item>
/// <item>Time rule: the input record's timestamp.</item>
/// <item>Absence: a rejected value is absent; the old value is passed on only when it passes too.</item>
/// </list>
/// </summary>
internal sealed class TableFilterNode<TKey, TValue>(string name, Func<TKey, TValue, bool> predicate, bool negate, string? storeName,
    bool sendOldValues, bool versionedUpstream)
    : MaterializedTableNode<TKey, TValue, TValue>(name, storeName)
{
    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        var key = record.Key!;
        var c = record.Value;
        bool hasNew = c.HasNew && predicate(key, c.New!) != negate;
        bool hasOld = c.HasOld && predicate(key, c.Old!) != negate;
        if (Store is not null)
        {
            if (DropsOutOfOrder(c)) return;
            if (!hasNew && !hasOld) return;
            Materialize(key, hasNew, c.New, record.Timestamp);
        }
        else if (!hasNew && !hasOld && sendOldValues && !versionedUpstream)
        {
            return;
        }
        Forward(record.WithValue(new Change<TValue>(c.New, hasNew, c.Old, hasOld, c.IsLatest)));
    }
}
