using Braid.Internal.State;
using Braid.State;

namespace Braid.Internal.Tables;

/// <summary>Reads a table's current value for a key inside a task (joins use this, never the store directly).</summary>
internal interface ITableValueGetter<TKey, TValue>
{
    bool TryGet(TKey key, out ValueAndTimestamp<TValue> value);
}

/// <summary>
/// Reads a versioned table (KIP-914): besides the latest value, the value valid at a past timestamp.
/// Stream–table joins against a versioned table use <see cref="TryGetAsOf"/> with the stream record's time.
/// </summary>
internal interface IVersionedTableValueGetter<TKey, TValue> : ITableValueGetter<TKey, TValue>
{
    /// <summary>The version valid at <paramref name="asOfTimestamp"/>; its timestamp is the version's validFrom.</summary>
    bool TryGetAsOf(TKey key, long asOfTimestamp, out ValueAndTimestamp<TValue> value);
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

    private sealed class Getter(IKeyValueStore<TKey, ValueAndTimestamp<TValue>> store) : ITableValueGetter<TKey, TValue>, IStoredKeysReader
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value) => store.TryGet(key, out value);

        public IStoredStringKeys? StoredKeys => store as IStoredStringKeys;
    }
}

/// <summary>A filtered view: a value the predicate rejects reads as absent.</summary>
internal sealed class FilterValueGetterSupplier<TKey, TValue>(
    TableValueGetterSupplier<TKey, TValue> parent, Func<TKey, TValue, bool> predicate, bool negate) : TableValueGetterSupplier<TKey, TValue>
{
    public override string[] StoreNames => parent.StoreNames;

    public override ITableValueGetter<TKey, TValue> Create(TaskContext context) => parent.Create(context) switch
    {
        IVersionedTableValueGetter<TKey, TValue> versioned => new VersionedGetter(versioned, predicate, negate),
        var p => new Getter(p, predicate, negate),
    };

    private class Getter(ITableValueGetter<TKey, TValue> parent, Func<TKey, TValue, bool> predicate, bool negate) : ITableValueGetter<TKey, TValue>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value) =>
            parent.TryGet(key, out value) && Keep(key, value.Value);

        protected bool Keep(TKey key, TValue value) => predicate(key, value) != negate;
    }

    /// <summary>A filtered view of a versioned table is versioned too: the predicate applies to each version.</summary>
    private sealed class VersionedGetter(IVersionedTableValueGetter<TKey, TValue> parent, Func<TKey, TValue, bool> predicate, bool negate)
        : Getter(parent, predicate, negate), IVersionedTableValueGetter<TKey, TValue>
    {
        public bool TryGetAsOf(TKey key, long asOfTimestamp, out ValueAndTimestamp<TValue> value) =>
            parent.TryGetAsOf(key, asOfTimestamp, out value) && Keep(key, value.Value);
    }
}

/// <summary>A mapped view: the mapper is applied on read.</summary>
internal sealed class MapValuesValueGetterSupplier<TKey, TValue, TValueOut>(
    TableValueGetterSupplier<TKey, TValue> parent, Func<TKey, TValue, TValueOut> mapper) : TableValueGetterSupplier<TKey, TValueOut>
{
    public override string[] StoreNames => parent.StoreNames;

    public override ITableValueGetter<TKey, TValueOut> Create(TaskContext context) => parent.Create(context) switch
    {
        IVersionedTableValueGetter<TKey, TValue> versioned => new VersionedGetter(versioned, mapper),
        var p => new Getter(p, mapper),
    };

    private class Getter(ITableValueGetter<TKey, TValue> parent, Func<TKey, TValue, TValueOut> mapper) : ITableValueGetter<TKey, TValueOut>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValueOut> value) => Map(key, parent.TryGet(key, out var v), v, out value);

        protected bool Map(TKey key, bool found, ValueAndTimestamp<TValue> v, out ValueAndTimestamp<TValueOut> value)
        {
            if (found)
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

    /// <summary>A mapped view of a versioned table is versioned too: the mapper applies to each version.</summary>
    private sealed class VersionedGetter(IVersionedTableValueGetter<TKey, TValue> parent, Func<TKey, TValue, TValueOut> mapper)
        : Getter(parent, mapper), IVersionedTableValueGetter<TKey, TValueOut>
    {
        public bool TryGetAsOf(TKey key, long asOfTimestamp, out ValueAndTimestamp<TValueOut> value) =>
            Map(key, parent.TryGetAsOf(key, asOfTimestamp, out var v), v, out value);
    }
}

/// <summary>Reads a versioned table store: latest and as-of lookups.</summary>
internal sealed class VersionedStoreValueGetterSupplier<TKey, TValue>(string storeName) : TableValueGetterSupplier<TKey, TValue>
{
    public override string[] StoreNames => [storeName];

    public override ITableValueGetter<TKey, TValue> Create(TaskContext context) =>
        new Getter(context.GetStore<IVersionedKeyValueStore<TKey, TValue>>(storeName));

    private sealed class Getter(IVersionedKeyValueStore<TKey, TValue> store) : IVersionedTableValueGetter<TKey, TValue>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TValue> value) => Read(store.TryGet(key, out var r), r, out value);

        public bool TryGetAsOf(TKey key, long asOfTimestamp, out ValueAndTimestamp<TValue> value) =>
            Read(store.TryGet(key, asOfTimestamp, out var r), r, out value);

        private static bool Read(bool found, VersionedRecord<TValue> r, out ValueAndTimestamp<TValue> value)
        {
            value = found ? new ValueAndTimestamp<TValue>(r.Value, r.ValidFrom) : default;
            return found;
        }
    }
}
