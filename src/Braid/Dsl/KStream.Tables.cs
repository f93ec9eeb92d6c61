using Braid.Internal;
using Braid.Internal.Tables;
using Braid.Serialization;

namespace Braid;

public sealed partial class KStream<TKey, TValue>
{
    /// <summary>Sends the stream through a repartition topic, partitioning records by their current key.</summary>
    /// <param name="repartitioned">Serdes, name and partition count.</param>
    /// <returns>The repartitioned stream.</returns>
    public KStream<TKey, TValue> Repartition(Repartitioned<TKey, TValue>? repartitioned = null)
    {
        var ks = repartitioned?.KeySerde ?? KeySerde ?? Serdes.Default<TKey>();
        var vs = repartitioned?.ValueSerde ?? ValueSerde ?? Serdes.Default<TValue>();
        string baseName = repartitioned?.Name ?? B.NewName("KSTREAM-REPARTITION-");
        string source = DslSupport.Repartition(B, NodeName, baseName, ks, vs);
        return new KStream<TKey, TValue>(Builder, source, ks, vs, repartitionRequired: false);
    }

    /// <summary>Repartitions only when an earlier operation changed the key.</summary>
    internal KStream<TKey, TValue> RepartitionIfRequired(Func<string> baseName, Serde<TKey>? keySerde, Serde<TValue>? valueSerde)
    {
        if (!RepartitionRequired) return this;
        var ks = keySerde ?? KeySerde ?? Serdes.Default<TKey>();
        var vs = valueSerde ?? ValueSerde ?? Serdes.Default<TValue>();
        string source = DslSupport.Repartition(B, NodeName, baseName(), ks, vs);
        return new KStream<TKey, TValue>(Builder, source, ks, vs, repartitionRequired: false);
    }

    /// <summary>Reads the stream as a changelog: a table of the latest value per key (null value deletes).</summary>
    /// <param name="materialized">Store name, serdes, versioning.</param>
    /// <returns>The table.</returns>
    public KTable<TKey, TValue> ToTable(Materialized<TKey, TValue>? materialized = null)
    {
        DslSupport.EnsureCanBeAbsent<TValue>("ToTable", "table");
        // Kafka's KStreamImpl.toTable: the node KSTREAM-TOTABLE-N first, then its store (and repartition) named after it.
        string name = B.NewName("KSTREAM-TOTABLE-");
        var input = RepartitionIfRequired(() => name, materialized?.KeySerde, materialized?.ValueSerde);
        return KTable<TKey, TValue>.FromStreamNode(Builder, input.NodeName, materialized?.KeySerde ?? input.KeySerde,
            materialized?.ValueSerde ?? input.ValueSerde, materialized, "KSTREAM-TOTABLE-", nodeName: name);
    }

    /// <summary>Groups by the current key (repartitioning first if the key was changed).</summary>
    /// <param name="grouped">Serdes and name for the repartition.</param>
    /// <returns>The grouped stream.</returns>
    public KGroupedStream<TKey, TValue> GroupByKey(Grouped<TKey, TValue>? grouped = null)
    {
        var input = RepartitionIfRequired(() => grouped?.Name ?? B.NewName("KSTREAM-AGGREGATE-"), grouped?.KeySerde, grouped?.ValueSerde);
        return new KGroupedStream<TKey, TValue>(Builder, input.NodeName, grouped?.KeySerde ?? input.KeySerde, grouped?.ValueSerde ?? input.ValueSerde);
    }

    /// <summary>Groups by a key computed from each record (always repartitions).</summary>
    /// <param name="selector">The group key.</param>
    /// <param name="grouped">Serdes and name for the repartition.</param>
    /// <typeparam name="TGroupKey">Group key type.</typeparam>
    /// <returns>The grouped stream.</returns>
    public KGroupedStream<TGroupKey, TValue> GroupBy<TGroupKey>(Func<TKey?, TValue?, TGroupKey> selector, Grouped<TGroupKey, TValue>? grouped = null) =>
        SelectKey(selector).GroupByKey(grouped);
}
