using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// Stores a join's results and completes each change with the previous result of its key, so downstream
/// aggregates can retract. Join nodes upstream only know the new result (or its absence). A removal of a
/// key that has no result is not forwarded: nothing changed.
/// </summary>
internal sealed class JoinResultMaterializer<TKey, TResult>(string name, string storeName)
    : ProcessorNode<TKey, Change<TResult>, TKey, Change<TResult>>(name)
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TResult>> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TResult>>>(storeName);
    }

    public override void Process(in Record<TKey, Change<TResult>> record)
    {
        var key = record.Key!;
        var c = record.Value;
        bool hasNew = c.HasNew && c.New is not null;
        bool hadOld = _store.TryGet(key, out var old);
        if (hasNew) _store.Put(key, new ValueAndTimestamp<TResult>(c.New!, record.Timestamp));
        else if (hadOld) _store.Delete(key);
        else return;
        Forward(new Record<TKey, Change<TResult>>(key, new Change<TResult>(c.New, hasNew, old.Value, hadOld), record.Timestamp, record.Headers));
    }
}
