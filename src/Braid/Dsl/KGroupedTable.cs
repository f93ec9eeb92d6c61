using Braid.Internal.Aggregations;
using Braid.Internal.Tables;
using Braid.Serialization;

namespace Braid;

/// <summary>
/// A table re-grouped by a new key (Kafka's KGroupedTable). Its aggregates take an adder and a
/// subtractor, so they stay right when rows change groups or are deleted.
/// </summary>
/// <typeparam name="TKey">Group key type.</typeparam>
/// <typeparam name="TValue">Grouped value type.</typeparam>
public sealed partial class KGroupedTable<TKey, TValue>
{
    internal KGroupedTable(StreamsBuilder builder, string nodeName, Serde<TKey>? keySerde, Serde<TValue>? valueSerde)
    {
        Builder = builder;
        NodeName = nodeName;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
    }

    internal StreamsBuilder Builder { get; }

    internal string NodeName { get; }

    internal Serde<TKey>? KeySerde { get; }

    internal Serde<TValue>? ValueSerde { get; }

    /// <summary>Counts the rows per group (a group whose rows all left keeps the count 0, as in Kafka).</summary>
    /// <param name="materialized">Store name and serdes.</param>
    /// <returns>The table of counts.</returns>
    public KTable<TKey, long> Count(Materialized<TKey, long>? materialized = null) =>
        Build(() => 0L, (_, _, a) => a + 1, (_, _, a) => a - 1, null, materialized, "KTABLE-AGGREGATE-", null); // Kafka: KGroupedTableImpl.AGGREGATE_NAME

    /// <summary>Combines the rows of each group; a subtractor that returns null deletes the group.</summary>
    /// <param name="adder">Adds a row's value to the aggregate.</param>
    /// <param name="subtractor">Removes a row's old value from the aggregate.</param>
    /// <param name="materialized">Store name and serdes.</param>
    /// <returns>The table of reduced values.</returns>
    public KTable<TKey, TValue> Reduce(Func<TValue, TValue, TValue> adder, Func<TValue, TValue, TValue> subtractor, Materialized<TKey, TValue>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(adder);
        ArgumentNullException.ThrowIfNull(subtractor);
        return Build<TValue>(null, (_, v, a) => adder(a, v), (_, v, a) => subtractor(a, v), v => v, materialized, "KTABLE-REDUCE-", ValueSerde);
    }

    /// <summary>Folds the rows of each group into an aggregate with an adder and a subtractor.</summary>
    /// <param name="initializer">The starting aggregate of a new group.</param>
    /// <param name="adder">Adds a row's new value.</param>
    /// <param name="subtractor">Removes a row's old value.</param>
    /// <param name="materialized">Store name and serdes.</param>
    /// <typeparam name="TAgg">Aggregate type.</typeparam>
    /// <returns>The table of aggregates.</returns>
    public KTable<TKey, TAgg> Aggregate<TAgg>(Func<TAgg> initializer, Func<TKey, TValue, TAgg, TAgg> adder, Func<TKey, TValue, TAgg, TAgg> subtractor,
        Materialized<TKey, TAgg>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(adder);
        ArgumentNullException.ThrowIfNull(subtractor);
        return Build(initializer, adder, (k, v, a) => subtractor(k, v, a), null, materialized, "KTABLE-AGGREGATE-", null);
    }

    internal KTable<TKey, TAgg> Build<TAgg>(Func<TAgg>? initializer, Func<TKey, TValue, TAgg, TAgg> adder, Func<TKey, TValue, TAgg, TAgg?> subtractor,
        Func<TValue, TAgg>? first, Materialized<TKey, TAgg>? materialized, string prefix, Serde<TAgg>? aggSerde)
    {
        var b = Builder.Internal;
        string store = DslSupport.AddTableStore(b, materialized, KeySerde, aggSerde, prefix);
        string n = b.NewName(prefix);
        b.AddProcessor(n, () => new TableAggregate<TKey, TValue, TAgg>(n, store, initializer, adder, subtractor, first), NodeName);
        b.ConnectStores(n, store);
        return new KTable<TKey, TAgg>(Builder, n, materialized?.KeySerde ?? KeySerde, materialized?.ValueSerde ?? aggSerde,
            new StoreValueGetterSupplier<TKey, TAgg>(store), store);
    }
}
