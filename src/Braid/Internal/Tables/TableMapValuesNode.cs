using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>
/// KTable MapValues: maps new and old values (absent stays absent; a null result is absent); optionally
/// materialized. A materialized mapValues of a versioned parent neither stores nor forwards an out-of-order
/// update (not latest): its plain store holds latest values only (see <see cref="TableFilterNode{TKey,TValue}"/>).
/// </summary>
internal sealed class TableMapValuesNode<TKey, TValue, TValueOut>(string name, Func<TKey, TValue, TValueOut> mapper, string? storeName)
    : Nodes.ProcessorNode<TKey, Change<TValue>, TKey, Change<TValueOut>>(name)
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TValueOut>>? _store;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        if (storeName is not null) _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TValueOut>>>(storeName);
    }

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        var key = record.Key!;
        var c = record.Value;
        if (_store is not null && !c.IsLatest)
        {
            Context.RecordDropped(Name, "out-of-order-versioned-update");
            return;
        }
        var newValue = c.HasNew ? mapper(key, c.New!) : default;
        var oldValue = c.HasOld ? mapper(key, c.Old!) : default;
        bool hasNew = c.HasNew && newValue is not null;
        bool hasOld = c.HasOld && oldValue is not null;
        if (_store is not null)
        {
            if (hasNew) _store.Put(key, new ValueAndTimestamp<TValueOut>(newValue!, record.Timestamp));
            else _store.Delete(key);
        }
        Forward(record.WithValue(new Change<TValueOut>(newValue, hasNew, oldValue, hasOld, c.IsLatest)));
    }
}
