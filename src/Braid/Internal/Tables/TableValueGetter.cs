using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>Reads a table's current value for a key inside a task (joins use this, never the store directly).</summary>
internal interface ITableValueGetter<TKey, TValue>
{
    bool TryGet(TKey key, out ValueAndTimestamp<TValue> value);
}

/// <summary>
/// Builds a value getter in each task. A table that is not materialized (a filter or mapValues view)
/// computes its values from its parent's getter, as Kafka does, so no extra store is needed.
/// </summary>
internal abstract class TableValueGetterSupplier<TKey, TValue>
{
    /// <summary>The stores the getter reads; a joining node is connected to them.</summary>
    public abstract string[] StoreNames { get; }

    public abstract ITableValueGetter<TKey, TValue> Create(TaskContext context);
}

/// <summary>Reads a materialized table store.</summary>
internal sealed class StoreValueGetterSupplier<TKey, TValue>(string storeName) : TableValueGetterSupplier<TKey, TValue>
{
    public override string[] StoreNames => [storeName];

    public override ITableValueGetter<TKey, TValue> Create(TaskContext context) =>
        new Getter(context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TValue>>>(storeName));

    private sealed class Getter(IKeyValueStore<TKey, ValueAndTimestamp<TValue>> store) : ITableValueGetter<TKey, TValue>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value) => store.TryGet(key, out value);
    }
}

/// <summary>A filtered view: a value the predicate rejects reads as absent.</summary>
internal sealed class FilterValueGetterSupplier<TKey, TValue>(
    TableValueGetterSupplier<TKey, TValue> parent, Func<TKey, TValue, bool> predicate, bool negate) : TableValueGetterSupplier<TKey, TValue>
{
    public override string[] StoreNames => parent.StoreNames;

    public override ITableValueGetter<TKey, TValue> Create(TaskContext context) => new Getter(parent.Create(context), predicate, negate);

    private sealed class Getter(ITableValueGetter<TKey, TValue> parent, Func<TKey, TValue, bool> predicate, bool negate) : ITableValueGetter<TKey, TValue>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value) =>
            parent.TryGet(key, out value) && predicate(key, value.Value) != negate;
    }
}

/// <summary>A mapped view: the mapper is applied on read.</summary>
internal sealed class MapValuesValueGetterSupplier<TKey, TValue, TValueOut>(
    TableValueGetterSupplier<TKey, TValue> parent, Func<TKey, TValue, TValueOut> mapper) : TableValueGetterSupplier<TKey, TValueOut>
{
    public override string[] StoreNames => parent.StoreNames;

    public override ITableValueGetter<TKey, TValueOut> Create(TaskContext context) => new Getter(parent.Create(context), mapper);

    private sealed class Getter(ITableValueGetter<TKey, TValue> parent, Func<TKey, TValue, TValueOut> mapper) : ITableValueGetter<TKey, TValueOut>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValueOut> value)
        {
            if (parent.TryGet(key, out var v))
            {
                var mapped = mapper(key, v.Value);
                if (mapped is not null)
                {
                    value = new ValueAndTimestamp<TValueOut>(mapped, v.Timestamp);
                    return true;
                }
            }
            value = default;
            return false;
        }
    }
}
