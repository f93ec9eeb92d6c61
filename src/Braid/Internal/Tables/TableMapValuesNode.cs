namespace Braid.Internal.Tables;

/// <summary>
/// KTable MapValues: maps new and old values (absent stays absent; a null result is absent); optionally
/// materialized. A materialized mapValues of a versioned parent neither stores nor forwards an out-of-order
/// update (not latest): its plain store holds latest values only (<see cref="MaterializedTableNode{TKey,TValue,TValueOut}"/>).
/// </summary>
internal sealed class TableMapValuesNode<TKey, TValue, TValueOut>(string name, Func<TKey, TValue, TValueOut> mapper, string? storeName)
    : MaterializedTableNode<TKey, TValue, TValueOut>(name, storeName)
{
    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        var key = record.Key!;
        var c = record.Value;
        if (DropsOutOfOrder(c)) return;
        var newValue = c.HasNew ? mapper(key, c.New!) : default;
        var oldValue = c.HasOld ? mapper(key, c.Old!) : default;
        bool hasNew = c.HasNew && newValue is not null;
        bool hasOld = c.HasOld && oldValue is not null;
        if (Store is not null) Materialize(key, hasNew, newValue, record.Timestamp);
        Forward(record.WithValue(new Change<TValueOut>(newValue, hasNew, oldValue, hasOld, c.IsLatest)));
    }
}
