using Braid.Internal.Tables;

namespace Braid.Internal.Joins;

/// <summary>
/// Stores a join's results and completes each change with the previous result of its key, so downstream
/// aggregates can retract. Join nodes upstream only know the new result (or its absence). A removal of a
/// key that has no result is not forwarded: nothing changed.
/// </summary>
internal sealed class JoinResultMaterializer<TKey, TResult>(string name, string storeName)
    : MaterializedTableNode<TKey, TResult, TResult>(name, storeName)
{
    public override void Process(in Record<TKey, Change<TResult>> record)
    {
        var key = record.Key!;
        var c = record.Value;
        bool hasNew = c.HasNew && c.New is not null;
        bool hadOld = Store!.TryGet(key, out var old);
        if (!hasNew && !hadOld) return;
        Materialize(key, hasNew, c.New, record.Timestamp);
        Forward(new Record<TKey, Change<TResult>>(key, new Change<TResult>(c.New, hasNew, old.Value, hadOld), record.Timestamp, record.Headers));
    }
}
