using System.Runtime.CompilerServices;
using Braid.Internal;
using Braid.Internal.Tables;
using Braid.Serialization;

namespace Braid;

/// <summary>
/// A table: the latest value per key of a changelog stream, for one partition (Kafka Streams' KTable).
/// Its changes form a stream (<see cref="ToStream"/>); operators on it are kept up to date incrementally.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed partial class KTable<TKey, TValue>
{
    internal KTable(StreamsBuilder builder, string nodeName, Serde<TKey>? keySerde, Serde<TValue>? valueSerde,
        TableValueGetterSupplier<TKey, TValue> valueGetter, string? storeName, TimeSpan? historyRetention = null)
    {
        Builder = builder;
        NodeName = nodeName;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
        ValueGetter = valueGetter;
        StoreName = storeName;
        HistoryRetention = historyRetention;
    }

    internal StreamsBuilder Builder { get; }

    internal InternalTopologyBuilder B => Builder.Internal;

    /// <summary>The node that emits this table's changes.</summary>
    internal string NodeName { get; }

    internal Serde<TKey>? KeySerde { get; }

    internal Serde<TValue>? ValueSerde { get; }

    internal TableValueGetterSupplier<TKey, TValue> ValueGetter { get; }

    /// <summary>The store holding this table, when it is materialized; null for a computed view.</summary>
    internal string? StoreName { get; }

    /// <summary>The history retention of the versioned store this table reads (directly or through a view); null when unversioned.</summary>
    internal TimeSpan? HistoryRetention { get; }

    internal bool IsVersioned => HistoryRetention is not null;

    /// <summary>
    /// True when this table's changes come from a versioned table, directly or through operators that are not
    /// materialized (Kafka's InternalStreamsBuilder.isVersionedUpstream: a node without its own store is
    /// versioned when all its parents are). Decides whether Suppress is allowed and how Filter treats
    /// rejected records.
    /// </summary>
    internal bool HasVersionedSemantics => IsVersioned || VersionedUpstream;

    /// <summary>Set on a view or join result that is not materialized and whose inputs are all versioned.</summary>
    internal bool VersionedUpstream { get; init; }

    /// <summary>
    /// Kafka's <c>KTableImpl.enableSendingOldValues(forceMaterialization)</c>: asked by an operator that needs
    /// each change's old value (GroupBy, Suppress, left/outer and foreign-key joins: force = true) or by a
    /// filter that wants to know whether its parent already sends them (force = false). Returns whether this
    /// table sends old values from now on. Braid's tables always carry old values; the answer only decides
    /// Filter's tombstone rule (<see cref="TableFilterNode{TKey,TValue}"/>). Tables with a store of their own
    /// (aggregates, joins, named sources) answer true.
    /// </summary>
    internal Func<bool, bool> EnableSendingOldValues { get; init; } = static _ => true;

    /// <summary>
    /// Called by an operator that forwards this table's old values without asking <see cref="EnableSendingOldValues"/>
    /// (a materialized MapValues maps its parent's old value, as Kafka's KTableMapValues does): a table that sends old
    /// values only once asked — an unmaterialized foreign-key join result, whose store is declared on demand — keeps
    /// them from then on. An unmaterialized MapValues passes its parent's (a Filter asks EnableSendingOldValues itself, which
    /// declares the store too); tables that compute old values themselves need nothing.
    /// </summary>
    internal Action KeepOldValues { get; init; } = static () => { };

    /// <summary>The name of the store holding this table, or null when it is a view computed from its parent.</summary>
    public string? QueryableStoreName => StoreName;

    /// <summary>
    /// The table of a changelog stream. Names follow Kafka's order: <paramref name="generatedStoreName"/> (Table: the
    /// store name is generated before the source) or <paramref name="nodeName"/> (ToTable: KSTREAM-TOTABLE-N, generated
    /// before the store) are taken as given; otherwise the node is KTABLE-SOURCE-N, named after the store.
    /// </summary>
    internal static KTable<TKey, TValue> FromStreamNode(StreamsBuilder builder, string parent, Serde<TKey>? ks, Serde<TValue>? vs,
        Materialized<TKey, TValue>? materialized, string storePrefix, string? nodeName = null, string? generatedStoreName = null)
    {
        var b = builder.Internal;
        bool named = materialized?.StoreName is not null;
        if (!named && generatedStoreName is not null) materialized = (materialized ?? new Materialized<TKey, TValue>()) with { StoreName = generatedStoreName };
        if (materialized?.VersionedHistoryRetention is { } retention)
        {
            string vstore = DslSupport.AddVersionedTableStore(b, materialized, ks, vs, storePrefix);
            string vn = nodeName ?? b.NewName("KTABLE-SOURCE-");
            b.AddProcessor(vn, () => new VersionedTableSourceNode<TKey, TValue>(vn, vstore), parent);
            b.ConnectStores(vn, vstore);
            return new KTable<TKey, TValue>(builder, vn, materialized.KeySerde ?? ks, materialized.ValueSerde ?? vs,
                new VersionedStoreValueGetterSupplier<TKey, TValue>(vstore), vstore, retention);
        }
        string store = DslSupport.AddTableStore(b, materialized, ks, vs, storePrefix);
        string n = nodeName ?? b.NewName("KTABLE-SOURCE-");
        b.AddProcessor(n, () => new TableSourceNode<TKey, TValue>(n, store), parent);
        b.ConnectStores(n, store);
        // Kafka's KTableSource sends old values once it is materialized: named by the user, or forced by an
        // operator that needs them.
        var sendsOld = new StrongBox<bool>(named);
        return new KTable<TKey, TValue>(builder, n, materialized?.KeySerde ?? ks, materialized?.ValueSerde ?? vs,
            new StoreValueGetterSupplier<TKey, TValue>(store), store)
        {
            EnableSendingOldValues = force => sendsOld.Value |= force,
        };
    }

    /// <summary>Keeps rows the predicate accepts; a row that stops matching is deleted downstream.</summary>
    /// <param name="predicate">Test on key and value.</param>
    /// <param name="materialized">Materialize the filtered table (else it is a view of this one).</param>
    /// <returns>The filtered table.</returns>
    public KTable<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, Materialized<TKey, TValue>? materialized = null) =>
        DoFilter(predicate, negate: false, materialized);

    /// <summary>Drops rows the predicate accepts.</summary>
    /// <param name="predicate">Test on key and value.</param>
    /// <param name="materialized">Materialize the filtered table.</param>
    /// <returns>The filtered table.</returns>
    public KTable<TKey, TValue> FilterNot(Func<TKey, TValue, bool> predicate, Materialized<TKey, TValue>? materialized = null) =>
        DoFilter(predicate, negate: true, materialized);

    private KTable<TKey, TValue> DoFilter(Func<TKey, TValue, bool> predicate, bool negate, Materialized<TKey, TValue>? materialized)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        string? store = materialized is null ? null : DslSupport.AddTableStore(B, materialized, KeySerde, ValueSerde, "KTABLE-FILTER-");
        string n = B.NewName("KTABLE-FILTER-");
        // Kafka's KTableFilter asks its parent at construction (force = false) and again whenever a downstream
        // operator needs old values; the node reads the final answer when a task is built.
        var sendsOld = new StrongBox<bool>(EnableSendingOldValues(false));
        bool versionedUpstream = HasVersionedSemantics;
        B.AddProcessor(n, () => new TableFilterNode<TKey, TValue>(n, predicate, negate, store, sendsOld.Value, versionedUpstream), NodeName);
        if (store is not null) B.ConnectStores(n, store);
        TableValueGetterSupplier<TKey, TValue> getter = store is not null
            ? new StoreValueGetterSupplier<TKey, TValue>(store)
            : new FilterValueGetterSupplier<TKey, TValue>(ValueGetter, predicate, negate);
        var parentEnable = EnableSendingOldValues;
        return new KTable<TKey, TValue>(Builder, n, KeySerde, ValueSerde, getter, store, store is null ? HistoryRetention : null)
        {
            Windowing = Windowing,
            VersionedUpstream = store is null && HasVersionedSemantics,
            EnableSendingOldValues = store is not null ? static _ => true : force => sendsOld.Value || (sendsOld.Value = parentEnable(force)),
        };
    }

    /// <summary>Maps each row's value; a null result deletes the row.</summary>
    /// <param name="mapper">The mapping of key and value.</param>
    /// <param name="materialized">Materialize the mapped table.</param>
    /// <typeparam name="TValueOut">New value type.</typeparam>
    /// <returns>The mapped table.</returns>
    public KTable<TKey, TValueOut> MapValues<TValueOut>(Func<TKey, TValue, TValueOut> mapper, Materialized<TKey, TValueOut>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        string? store = materialized is null ? null : DslSupport.AddTableStore(B, materialized, KeySerde, null, "KTABLE-MAPVALUES-");
        // A materialized MapValues answers "I send old values" without asking its parent, and maps the parent's old values.
        if (store is not null) KeepOldValues();
        string n = B.NewName("KTABLE-MAPVALUES-");
        B.AddProcessor(n, () => new TableMapValuesNode<TKey, TValue, TValueOut>(n, mapper, store), NodeName);
        if (store is not null) B.ConnectStores(n, store);
        TableValueGetterSupplier<TKey, TValueOut> getter = store is not null
            ? new StoreValueGetterSupplier<TKey, TValueOut>(store)
            : new MapValuesValueGetterSupplier<TKey, TValue, TValueOut>(ValueGetter, mapper);
        return new KTable<TKey, TValueOut>(Builder, n, KeySerde, materialized?.ValueSerde, getter, store, store is null ? HistoryRetention : null)
        {
            Windowing = Windowing,
            VersionedUpstream = store is null && HasVersionedSemantics,
            EnableSendingOldValues = store is not null ? static _ => true : EnableSendingOldValues,
            KeepOldValues = store is not null ? static () => { } : KeepOldValues,
        };
    }

    /// <summary>The table's changelog as a stream: each update is a record, a delete a null-value record.</summary>
    /// <param name="name">Processor name.</param>
    /// <returns>The stream.</returns>
    public KStream<TKey, TValue> ToStream(string? name = null)
    {
        string n = name ?? B.NewName("KTABLE-TOSTREAM-");
        B.AddProcessor(n, () => new TableToStreamNode<TKey, TValue>(n), NodeName);
        return new KStream<TKey, TValue>(Builder, n, KeySerde, ValueSerde, false);
    }

    /// <summary>
    /// Re-groups rows by a new key for a table aggregation; an update moves its row from the old group to
    /// the new one (through a repartition topic).
    /// </summary>
    /// <param name="selector">The group key and value of a row.</param>
    /// <param name="grouped">Serdes and name for the repartition.</param>
    /// <typeparam name="TGroupKey">Group key type.</typeparam>
    /// <typeparam name="TGroupValue">Grouped value type.</typeparam>
    /// <returns>The grouped table.</returns>
    public KGroupedTable<TGroupKey, TGroupValue> GroupBy<TGroupKey, TGroupValue>(Func<TKey, TValue, KeyValue<TGroupKey, TGroupValue>> selector,
        Grouped<TGroupKey, TGroupValue>? grouped = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        EnableSendingOldValues(true);
        string n = B.NewName("KTABLE-SELECT-");
        B.AddProcessor(n, () => new Internal.Aggregations.TableRepartitionMap<TKey, TValue, TGroupKey, TGroupValue>(n, selector), NodeName);
        var ks = grouped?.KeySerde ?? Serdes.Default<TGroupKey>();
        var vs = grouped?.ValueSerde ?? Serdes.Default<TGroupValue>();
        string baseName = grouped?.Name ?? B.NewName("KTABLE-AGGREGATE-");
        string source = DslSupport.Repartition(B, n, baseName, ks, new ChangeSerde<TGroupValue>(vs));
        return new KGroupedTable<TGroupKey, TGroupValue>(Builder, source, ks, vs);
    }
}
