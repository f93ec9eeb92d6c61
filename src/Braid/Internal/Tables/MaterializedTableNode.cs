using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>
/// What a table operator that may be materialized shares (Filter, MapValues, and the store of many-to-many join
/// results; Kafka's <c>KTableFilter</c> and <c>KTableMapValues</c> each hold the same through
/// <c>TimestampedKeyValueStoreMaterializer</c>): the optional store of its results, and the rule for a versioned
/// parent's out-of-order update.
/// <list type="bullet">
/// <item>State: the result table's store when materialized (<c>storeName</c> not null), else none.</item>
/// <item>Absence: an absent result deletes the key from the store.</item>
/// <item>Out of order: when materialized, an update of a versioned parent that is not its latest value is neither
/// stored nor forwarded: the plain store holds latest values only (Kafka would overwrite it with the stale value;
/// docs/differences.md).</item>
/// </list>
/// </summary>
internal abstract class MaterializedTableNode<TKey, TValue, TValueOut>(string name, string? storeName)
    : Nodes.ProcessorNode<TKey, Change<TValue>, TKey, Change<TValueOut>>(name)
{
    /// <summary>The result store, when materialized.</summary>
    protected IKeyValueStore<TKey, ValueAndTimestamp<TValueOut>>? Store { get; private set; }

    public override void Init(TaskContext context)
    {
        base.Init(context);
        if (storeName is not null) Store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TValueOut>>>(storeName);
    }

    /// <summary>True (and counted as dropped) for an out-of-order versioned update of a materialized result.</summary>
    protected bool DropsOutOfOrder(in Change<TValue> change)
    {
        if (Store is null || change.IsLatest) return false;
        Context.RecordDropped(Name, "out-of-order-versioned-update");
        return true;
    }

    /// <summary>Stores the new result, or deletes the key when there is none (materialized only).</summary>
    protected void Materialize(TKey key, bool hasNew, TValueOut? value, long timestamp)
    {
        if (hasNew) Store!.Put(key, new ValueAndTimestamp<TValueOut>(value!, timestamp));
        else Store!.Delete(key);
    }
}
