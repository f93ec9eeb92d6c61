using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// KStream–GlobalKTable join, inner and left (Kafka Streams 4.x).
/// <list type="bullet">
/// <item>State: the global table's store, a full local copy of all partitions kept by the host.</item>
/// <item>Emit rule: only stream records trigger. The table key comes from the key mapper (key, value);
/// inner emits when the global table has that key, left always emits.</item>
/// <item>Time rule: result timestamp = the stream record's; the table's current value is used.</item>
/// <item>Absence: null-value stream records are dropped. A null mapped key drops the record, except
/// in a left join when the record's own key is null (KIP-962: forwarded, right side null). A null
/// record key is fine for the inner join when the mapper still yields a table key (output key null).
/// Pinned by ut-stream-globaltable-*-null-* and rn-stream-globaltable-*.</item>
/// </list>
/// </summary>
internal sealed class StreamGlobalTableJoin<TKey, TValue, TTableKey, TTableValue, TResult>(
    string name, string storeName, Func<TKey?, TValue, TTableKey?> keyMapper,
    Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin)
    : ProcessorNode<TKey, TValue, TKey, TResult>(name)
{
    private IKeyValueStore<TTableKey, ValueAndTimestamp<TTableValue>> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<TTableKey, ValueAndTimestamp<TTableValue>>>(storeName);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (record.Value is null)
        {
            Context.RecordDropped(Name, "null-value");
            return;
        }
        var tableKey = keyMapper(record.Key, record.Value);
        if (tableKey is null && !(leftJoin && record.Key is null))
        {
            Context.RecordDropped(Name, "null-mapped-key");
            return;
        }
        if (tableKey is not null && _store.TryGet(tableKey, out var right))
            Forward(new Record<TKey, TResult>(record.Key, joiner(record.Key, record.Value, right.Value), record.Timestamp, record.Headers));
        else if (leftJoin)
            Forward(new Record<TKey, TResult>(record.Key, joiner(record.Key, record.Value, default), record.Timestamp, record.Headers));
    }
}
