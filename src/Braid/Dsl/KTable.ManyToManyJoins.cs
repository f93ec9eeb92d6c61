using Braid.Internal;
using Braid.Internal.Joins;
using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.Tables;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KTable<TKey, TValue>
{
    /// <summary>
    /// Many-to-many inner join on non-key attributes, as SQL <c>JOIN other ON leftAttr = rightAttr</c>: one
    /// result row per pair of rows with equal attributes, keyed by the pair of primary keys. Both tables are
    /// re-keyed by attribute through internal topics, so they need not be co-partitioned. A row whose
    /// attribute changes leaves its old pairs (tombstones) and joins its new ones; a null attribute matches nothing.
    /// </summary>
    /// <param name="other">The other table.</param>
    /// <param name="leftKeySelector">This table's join attribute of a row.</param>
    /// <param name="rightKeySelector">The other table's join attribute of a row.</param>
    /// <param name="joiner">Combines a matching pair.</param>
    /// <param name="materialized">Store name and serdes of the result. Without it the result is stored only when a later
    /// operator looks it up (a join with it); otherwise old results for downstream aggregates are recomputed with the joiner,
    /// which must therefore be deterministic, as for Kafka's table–table joins.</param>
    /// <typeparam name="TOtherKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table.</typeparam>
    /// <typeparam name="TAttr">Join attribute type (its default serde orders the index stores).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by (this key, other key).</returns>
    public KTable<JoinKey<TKey, TOtherKey>, TResult> Join<TOtherKey, TOther, TAttr, TResult>(KTable<TOtherKey, TOther> other,
        Func<TKey, TValue, TAttr?> leftKeySelector, Func<TOtherKey, TOther, TAttr?> rightKeySelector, Func<TValue, TOther, TResult> joiner,
        Materialized<JoinKey<TKey, TOtherKey>, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        return JoinOnAttribute(other, leftKeySelector, rightKeySelector, (l, r) => joiner(l!, r!), JoinKind.Inner, materialized);
    }

    /// <summary>
    /// Many-to-many left join on non-key attributes (SQL <c>LEFT JOIN … ON</c>): as the inner join, and a row
    /// of this table without any partner appears once under <see cref="JoinKey{TLeftKey,TRightKey}.LeftOnly"/>
    /// with a null other side, until its first partner arrives.
    /// </summary>
    /// <param name="other">The other table.</param>
    /// <param name="leftKeySelector">This table's join attribute of a row.</param>
    /// <param name="rightKeySelector">The other table's join attribute of a row.</param>
    /// <param name="joiner">Combines a pair (other side null when unmatched).</param>
    /// <param name="materialized">Store name and serdes of the result.</param>
    /// <typeparam name="TOtherKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table (must admit null).</typeparam>
    /// <typeparam name="TAttr">Join attribute type.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by (this key, other key).</returns>
    public KTable<JoinKey<TKey, TOtherKey>, TResult> LeftJoin<TOtherKey, TOther, TAttr, TResult>(KTable<TOtherKey, TOther> other,
        Func<TKey, TValue, TAttr?> leftKeySelector, Func<TOtherKey, TOther, TAttr?> rightKeySelector, Func<TValue, TOther?, TResult> joiner,
        Materialized<JoinKey<TKey, TOtherKey>, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TOther>("KTable.LeftJoin (many-to-many)", "right");
        return JoinOnAttribute(other, leftKeySelector, rightKeySelector, (l, r) => joiner(l!, r), JoinKind.Left, materialized);
    }

    /// <summary>
    /// Many-to-many full outer join on non-key attributes (SQL <c>FULL OUTER JOIN … ON</c>): as the left
    /// join, and a row of the other table without partners appears under
    /// <see cref="JoinKey{TLeftKey,TRightKey}.RightOnly"/> with a null left side.
    /// </summary>
    /// <param name="other">The other table.</param>
    /// <param name="leftKeySelector">This table's join attribute of a row.</param>
    /// <param name="rightKeySelector">The other table's join attribute of a row.</param>
    /// <param name="joiner">Combines a pair (either side null when unmatched).</param>
    /// <param name="materialized">Store name and serdes of the result.</param>
    /// <typeparam name="TOtherKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table (must admit null).</typeparam>
    /// <typeparam name="TAttr">Join attribute type.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by (this key, other key).</returns>
    public KTable<JoinKey<TKey, TOtherKey>, TResult> OuterJoin<TOtherKey, TOther, TAttr, TResult>(KTable<TOtherKey, TOther> other,
        Func<TKey, TValue, TAttr?> leftKeySelector, Func<TOtherKey, TOther, TAttr?> rightKeySelector, Func<TValue?, TOther?, TResult> joiner,
        Materialized<JoinKey<TKey, TOtherKey>, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TValue>("KTable.OuterJoin (many-to-many)", "left");
        DslSupport.EnsureCanBeAbsent<TOther>("KTable.OuterJoin (many-to-many)", "right");
        return JoinOnAttribute(other, leftKeySelector, rightKeySelector, joiner, JoinKind.Outer, materialized);
    }

    private KTable<JoinKey<TKey, TOtherKey>, TResult> JoinOnAttribute<TOtherKey, TOther, TAttr, TResult>(KTable<TOtherKey, TOther> other,
        Func<TKey, TValue, TAttr?> leftSelector, Func<TOtherKey, TOther, TAttr?> rightSelector, Func<TValue?, TOther?, TResult> joiner,
        JoinKind kind, Materialized<JoinKey<TKey, TOtherKey>, TResult>? materialized)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(leftSelector);
        ArgumentNullException.ThrowIfNull(rightSelector);
        if (!ReferenceEquals(other.Builder, Builder)) throw new TopologyException("the two tables come from different StreamsBuilders.");
        // Re-keying needs each row's old attribute, as a foreign-key join does.
        EnableSendingOldValues(true);
        other.EnableSendingOldValues(true);
        var attrSerde = Serdes.Default<TAttr>();
        var leftKeySerde = KeySerde ?? Serdes.Default<TKey>();
        var leftSerde = ValueSerde ?? Serdes.Default<TValue>();
        var rightKeySerde = other.KeySerde ?? Serdes.Default<TOtherKey>();
        var rightSerde = other.ValueSerde ?? Serdes.Default<TOther>();
        bool leftPreserved = kind != JoinKind.Inner, rightPreserved = kind == JoinKind.Outer;
        string baseName = B.NewName("KTABLE-MANY-TO-MANY-JOIN-");
        string merge = baseName + "-result";
        var resultKeySerde = JoinKey.Serde(leftKeySerde, rightKeySerde);
        // An inner join's result is stored only when asked for (Materialized) or read later (OnDemandResultStore):
        // its pairs are all index entries, so old results can be recomputed; unmatched rows of outer joins cannot.
        OnDemandResultStore<JoinKey<TKey, TOtherKey>, TResult>? lazy = null;
        if (kind == JoinKind.Inner && materialized is null)
        {
            string name = B.NewStoreName("KTABLE-MANY-TO-MANY-JOIN-OUTPUT-");
            lazy = new(B, name, merge, () => new KeyValueStoreBuilder<JoinKey<TKey, TOtherKey>, ValueAndTimestamp<TResult>>(
                name, resultKeySerde, new ValueAndTimestampSerde<TResult>(Serdes.Default<TResult>())));
        }
        bool Recomputes() => lazy is { Declared: false };

        var leftIndexSerde = new CombinedKeySerde<TAttr, TKey>(attrSerde, leftKeySerde);
        var rightIndexSerde = new CombinedKeySerde<TAttr, TOtherKey>(attrSerde, rightKeySerde);
        string leftIndex = baseName + "-left-index";
        string rightIndex = baseName + "-right-index";
        B.AddStore(new KeyValueStoreBuilder<CombinedKey<TAttr, TKey>, ValueAndTimestamp<TValue>>(leftIndex, leftIndexSerde, new ValueAndTimestampSerde<TValue>(leftSerde)));
        B.AddStore(new KeyValueStoreBuilder<CombinedKey<TAttr, TOtherKey>, ValueAndTimestamp<TOther>>(rightIndex, rightIndexSerde, new ValueAndTimestampSerde<TOther>(rightSerde)));

        string leftRekey = baseName + "-left-rekey";
        B.AddProcessor(leftRekey, () => new AttributeRekey<TKey, TValue, TAttr>(leftRekey, leftSelector, attrSerde, leftPreserved), NodeName);
        string leftSource = baseName + "-left-repartition-source";
        InternalTopic(baseName + "-left-repartition", baseName + "-left-repartition-sink", leftSource, attrSerde, new RowMessageSerde<TKey, TValue>(leftKeySerde, leftSerde), leftRekey);
        string rightRekey = baseName + "-right-rekey";
        B.AddProcessor(rightRekey, () => new AttributeRekey<TOtherKey, TOther, TAttr>(rightRekey, rightSelector, attrSerde, rightPreserved), other.NodeName);
        string rightSource = baseName + "-right-repartition-source";
        InternalTopic(baseName + "-right-repartition", baseName + "-right-repartition-sink", rightSource, attrSerde, new RowMessageSerde<TOtherKey, TOther>(rightKeySerde, rightSerde), rightRekey);

        string leftMatch = baseName + "-left-match";
        B.AddProcessor(leftMatch, () => new ManyToManyMatch<TAttr, TKey, TValue, TOtherKey, TOther, JoinKey<TKey, TOtherKey>, TResult>(
            leftMatch, leftIndex, rightIndex, attrSerde,
            (l, r) => new JoinKey<TKey, TOtherKey>(l, r), JoinKey<TKey, TOtherKey>.LeftOnly, JoinKey<TKey, TOtherKey>.RightOnly,
            joiner, leftPreserved, rightPreserved, Recomputes()), leftSource);
        string rightMatch = baseName + "-right-match";
        B.AddProcessor(rightMatch, () => new ManyToManyMatch<TAttr, TOtherKey, TOther, TKey, TValue, JoinKey<TKey, TOtherKey>, TResult>(
            rightMatch, rightIndex, leftIndex, attrSerde,
            (r, l) => new JoinKey<TKey, TOtherKey>(l, r), JoinKey<TKey, TOtherKey>.RightOnly, JoinKey<TKey, TOtherKey>.LeftOnly,
            (r, l) => joiner(l, r), rightPreserved, leftPreserved, Recomputes()), rightSource);
        B.ConnectStores(leftMatch, leftIndex, rightIndex);
        B.ConnectStores(rightMatch, leftIndex, rightIndex);

        if (lazy is not null)
        {
            B.AddProcessor(merge, () => lazy.Declared
                ? new JoinResultMaterializer<JoinKey<TKey, TOtherKey>, TResult>(merge, lazy.Name)
                : new ManyToManyResultMerge<JoinKey<TKey, TOtherKey>, TResult>(merge), leftMatch, rightMatch);
            return new KTable<JoinKey<TKey, TOtherKey>, TResult>(Builder, merge, resultKeySerde, null, lazy, null);
        }
        string store = DslSupport.AddTableStore(B, materialized, resultKeySerde, null, "KTABLE-MANY-TO-MANY-JOIN-OUTPUT-");
        B.AddProcessor(merge, () => new JoinResultMaterializer<JoinKey<TKey, TOtherKey>, TResult>(merge, store), leftMatch, rightMatch);
        B.ConnectStores(merge, store);
        return new KTable<JoinKey<TKey, TOtherKey>, TResult>(Builder, merge, materialized?.KeySerde ?? resultKeySerde, materialized?.ValueSerde,
            new StoreValueGetterSupplier<JoinKey<TKey, TOtherKey>, TResult>(store), store);
    }
}
