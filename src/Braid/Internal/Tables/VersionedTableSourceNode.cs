using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>
/// Turns a changelog stream into a versioned table (KIP-914; Kafka's KTableSource over a versioned store).
/// <list type="bullet">
/// <item>Every record (a null value is a tombstone) is put into the versioned store at its timestamp.</item>
/// <item>In order (ts ≥ the key's latest version): forwarded as a <see cref="Change{TValue}"/> (new, previous latest).</item>
/// <item>Out of order (older than the latest version, within history retention): the store's history is
/// updated and the change is forwarded with <c>IsLatest = false</c>, as Kafka does; table–table joins
/// ignore such changes, <c>ToStream</c> still shows them. Vector it-table-table-inner-versioned-both pins this.</item>
/// <item>Older than history retention: not put and not forwarded (counted as dropped, "expired").</item>
/// <item>Null key: dropped and counted.</item>
/// </list>
/// </summary>
internal sealed class VersionedTableSourceNode<TKey, TValue>(string name, string storeName)
    : Nodes.ProcessorNode<TKey, TValue, TKey, Change<TValue>>(name)
{
    private IVersionedKeyValueStore<TKey, TValue> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IVersionedKeyValueStore<TKey, TValue>>(storeName);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (DropsNullKey(record.Key)) return;
        // Kafka's "old value" is the latest version before this put, even for an out-of-order update.
        bool hadOld = _store.TryGet(record.Key, out var old);
        var result = _store.Put(record.Key, record.Value, record.Timestamp);
        if (result == VersionedPutResult.NotPut)
        {
            Context.RecordDropped(Name, "expired");
            return;
        }
        var change = new Change<TValue>(record.Value, record.Value is not null, old.Value, hadOld, result == VersionedPutResult.Latest);
        Forward(new Record<TKey, Change<TValue>>(record.Key, change, record.Timestamp, record.Headers));
    }
}
