using Braid.Internal.Aggregations;
using Braid.Internal.Tables;
using Braid.Serialization;

namespace Braid;

/// <summary>A stream grouped by key, ready to aggregate (Kafka's KGroupedStream).</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed partial class KGroupedStream<TKey, TValue>
{
    internal KGroupedStream(StreamsBuilder builder, string nodeName, Serde<TKey>? keySerde, Serde<TValue>? valueSerde)
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

    /// <summary>Counts records per key (null keys and values are dropped and counted as dropped).</summary>
    /// <param name="materialized">Store name and serdes.</param>
    /// <returns>The table of counts.</returns>
    public KTable<TKey, long> Count(Materialized<TKey, long>? materialized = null) =>
        Aggregate(() => 0L, (_, _, agg) => agg + 1, materialized, "KSTREAM-AGGREGATE-"); // Kafka names a count an aggregate (KGroupedStreamImpl.AGGREGATE_NAME)

    /// <summary>Combines the values of each key with a reducer (the first value starts the aggregate).</summary>
    /// <param name="reducer">Combines the aggregate so far with a new value.</param>
    /// <param name="materialized">Store name and serdes.</param>
    /// <returns>The table of reduced values.</returns>
    public KTable<TKey, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        return Build<TValue>(null, (_, v, agg) => reducer(agg, v), v => v, materialized, "KSTREAM-REDUCE-", ValueSerde);
    }

    /// <summary>Folds the values of each key into an aggregate.</summary>
    /// <param name="initializer">The starting aggregate of a new key.</param>
    /// <param name="aggregator">Adds a value to the aggregate.</param>
    /// <param name="materialized">Store name and serdes (give the aggregate's serde for persistent hosts).</param>
    /// <typeparam name="TAgg">Aggregate type.</typeparam>
    /// <returns>The table of aggregates.</returns>
    public KTable<TKey, TAgg> Aggregate<TAgg>(Func<TAgg> initializer, Func<TKey, TValue, TAgg, TAgg> aggregator, Materialized<TKey, TAgg>? materialized = null) =>
        Aggregate(initializer, aggregator, materialized, "KSTREAM-AGGREGATE-");

    private KTable<TKey, TAgg> Aggregate<TAgg>(Func<TAgg> initializer, Func<TKey, TValue, TAgg, TAgg> aggregator, Materialized<TKey, TAgg>? materialized, string prefix)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(aggregator);
        return Build(initializer, aggregator, null, materialized, prefix, null);
    }

    private KTable<TKey, TAgg> Build<TAgg>(Func<TAgg>? initializer, Func<TKey, TValue, TAgg, TAgg> aggregator, Func<TValue, TAgg>? first,
        Materialized<TKey, TAgg>? materialized, string prefix, Serde<TAgg>? aggSerde)
    {
        var b = Builder.Internal;
        string store = DslSupport.AddTableStore(b, materialized, KeySerde, aggSerde, prefix);
        string n = b.NewName(prefix);
        b.AddProcessor(n, () => new StreamAggregate<TKey, TValue, TAgg>(n, store, initializer, aggregator, first), NodeName);
        b.ConnectStores(n, store);
        return new KTable<TKey, TAgg>(Builder, n, materialized?.KeySerde ?? KeySerde, materialized?.ValueSerde ?? aggSerde,
            new StoreValueGetterSupplier<TKey, TAgg>(store), store);
    }
}
