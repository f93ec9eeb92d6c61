using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// Joins the two sides of a table–table join into one table: stores the result when materialized
/// and forwards every change unchanged (Kafka's KTableKTableJoinMerger).
/// </summary>
internal sealed class TableTableJoinMerger<TKey, TResult>(string name, string? storeName)
    : ProcessorNode<TKey, Change<TResult>, TKey, Change<TResult>>(name)
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TResult>>? _store;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        if (storeName is not null) _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TResult>>>(storeName);
    }

    // Its store keeps only new results; the change goes on unchanged, so old values matter only if a child reads them.
    internal override bool ReadsOldValues => ChildrenReadOldValues();

    public override void Process(in Record<TKey, Change<TResult>> record)
    {
        if (_store is not null)
        {
            if (record.Value.HasNew && record.Value.New is not null)
                _store.Put(record.Key!, new ValueAndTimestamp<TResult>(record.Value.New, record.Timestamp));
            else _store.Delete(record.Key!);
        }
        Forward(record);
    }
}
