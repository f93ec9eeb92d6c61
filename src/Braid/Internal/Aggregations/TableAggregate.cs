using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Aggregations;

/// <summary>
/// KGroupedTable Aggregate / Count / Reduce: for each change, subtract the old row then add the new
/// row, so the aggregate stays right when rows change group or disappear (Kafka's KTableAggregate).
/// For a reduce (no initializer) the first row of a group is its value, and a group whose subtractor
/// leaves nothing behind is deleted. Timestamp: max of the change's and the previous aggregate's.
/// </summary>
internal sealed class TableAggregate<TKey, TValue, TAgg>(
    string name, string storeName, Func<TAgg>? initializer, Func<TKey, TValue, TAgg, TAgg> adder,
    Func<TKey, TValue, TAgg, TAgg?> subtractor, Func<TValue, TAgg>? first)
    : ProcessorNode<TKey, Change<TValue>, TKey, Change<TAgg>>(name)
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TAgg>> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TAgg>>>(storeName);
    }

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        if (DropsNullKey(record.Key)) return;
        var key = record.Key;
        var c = record.Value;
        bool hadOld = _store.TryGet(key, out var old);
        long ts = hadOld ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;

        bool has = hadOld;
        TAgg? agg = old.Value;
        if (c.HasOld && has)
        {
            agg = subtractor(key, c.Old!, agg!);
            has = agg is not null;
        }
        if (c.HasNew)
        {
            agg = has ? adder(key, c.New!, agg!) : initializer is not null ? adder(key, c.New!, initializer()) : first!(c.New!);
            has = agg is not null;
        }
        if (has) _store.Put(key, new ValueAndTimestamp<TAgg>(agg!, ts));
        else if (hadOld) _store.Delete(key);
        else return;
        Forward(new Record<TKey, Change<TAgg>>(key, new Change<TAgg>(agg, has, old.Value, hadOld), ts, record.Headers));
    }
}
