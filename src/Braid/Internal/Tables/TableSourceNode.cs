using Braid.Internal.State;
using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>
/// Turns a changelog stream into a table (Builder.Table, KStream.ToTable): the latest value per key
/// goes into the table's store, and a <see cref="Change{TValue}"/> (new, old) goes downstream.
/// Null key: dropped and counted (a table row needs a key). Null value: a tombstone, the key is deleted.
/// Unversioned tables take the latest record by offset, whatever its timestamp (Kafka does the same).
/// </summary>
internal sealed class TableSourceNode<TKey, TValue>(string name, string storeName)
    : Nodes.ProcessorNode<TKey, TValue, TKey, Change<TValue>>(name), IStoredKeysReader
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TValue>> _store = null!;
    private IPutAndGetOld<TKey, ValueAndTimestamp<TValue>>? _swap; // a store that swaps in one lookup (in-memory, RocksDB): read old and write new at once

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TValue>>>(storeName);
        _swap = _store as IPutAndGetOld<TKey, ValueAndTimestamp<TValue>>;
    }

    /// <summary>This table's own store's keys: an update of a key the table holds keeps the stored key instance.</summary>
    public IStoredStringKeys? StoredKeys => _store as IStoredStringKeys;

    public override void Process(in Record<TKey, TValue> record)
    {
        if (DropsNullKey(record.Key)) return;
        bool hadOld;
        ValueAndTimestamp<TValue> old;
        if (record.Value is null)
        {
            hadOld = _store.TryGet(record.Key, out old);
            _store.Delete(record.Key);
        }
        else
        {
            var value = new ValueAndTimestamp<TValue>(record.Value, record.Timestamp);
            if (_swap is not null) hadOld = _swap.PutAndGetOld(record.Key, value, out old);
            else
            {
                hadOld = _store.TryGet(record.Key, out old);
                _store.Put(record.Key, value);
            }
        }
        var change = new Change<TValue>(record.Value, record.Value is not null, old.Value, hadOld);
        Forward(new Record<TKey, Change<TValue>>(record.Key, change, record.Timestamp, record.Headers));
    }
}
