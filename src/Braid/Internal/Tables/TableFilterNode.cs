using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>
/// KTable Filter / FilterNot: a row the predicate rejects becomes absent, so an update that stops
/// matching is sent on as a delete (new absent, old present). Nothing is sent when neither the new nor
/// the old value passes. With a store, the filtered table is materialized.
/// </summary>
internal sealed class TableFilterNode<TKey, TValue>(string name, Func<TKey, TValue, bool> predicate, bool negate, string? storeName)
    : Nodes.ProcessorNode<TKey, Change<TValue>, TKey, Change<TValue>>(name)
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TValue>>? _store;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        if (storeName is not null) _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TValue>>>(storeName);
    }

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        var key = record.Key!;
        var c = record.Value;
        bool hasNew = c.HasNew && predicate(key, c.New!) != negate;
        bool hasOld = c.HasOld && predicate(key, c.Old!) != negate;
        if (!hasNew && !hasOld) return;
        if (_store is not null)
        {
            if (hasNew) _store.Put(key, new ValueAndTimestamp<TValue>(c.New!, record.Timestamp));
            else _store.Delete(key);
        }
        Forward(record.WithValue(new Change<TValue>(c.New, hasNew, c.Old, hasOld, c.IsLatest)));
    }
}
