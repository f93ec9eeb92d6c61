using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.Nodes;
using Braid.Internal.Tables;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KTable<TKey, TValue>
{
    /// <summary>
    /// Inner foreign-key join (KIP-213): each row of this table joins the row of <paramref name="other"/>
    /// whose key is the foreign key extracted from its value. The tables need not be co-partitioned: rows
    /// travel through two internal topics (subscriptions keyed by foreign key, responses keyed by this
    /// table's key). A row whose foreign key changes retracts its old result; an update of a right row
    /// reaches every row that references it; a null foreign key matches nothing.
    /// </summary>
    /// <param name="other">The table looked up by foreign key.</param>
    /// <param name="foreignKeyExtractor">The foreign key of a value (null: no match).</param>
    /// <param name="joiner">Combines a row with the right row it references.</param>
    /// <param name="joined">Name and result store options.</param>
    /// <typeparam name="TForeignKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by this table's key.</returns>
    public KTable<TKey, TResult> Join<TForeignKey, TOther, TResult>(KTable<TForeignKey, TOther> other,
        Func<TValue, TForeignKey?> foreignKeyExtractor, Func<TValue, TOther, TResult> joiner, ForeignKeyJoined<TKey, TResult>? joined = null)
    {
        ArgumentNullException.ThrowIfNull(foreignKeyExtractor);
        ArgumentNullException.ThrowIfNull(joiner);
        return JoinOnForeignKey(other, (_, v) => foreignKeyExtractor(v), (_, l, r) => joiner(l, r!), leftJoin: false, joined);
    }

    /// <summary>Inner foreign-key join whose foreign key depends on the row's key as well as its value (KIP-1104).</summary>
    /// <param name="other">The table looked up by foreign key.</param>
    /// <param name="foreignKeyExtractor">The foreign key of a row, from its key and value (null: no match).</param>
    /// <param name="joiner">Combines a row with the right row it references.</param>
    /// <param name="joined">Name and result store options.</param>
    /// <typeparam name="TForeignKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by this table's key.</returns>
    public KTable<TKey, TResult> Join<TForeignKey, TOther, TResult>(KTable<TForeignKey, TOther> other,
        Func<TKey, TValue, TForeignKey?> foreignKeyExtractor, Func<TValue, TOther, TResult> joiner, ForeignKeyJoined<TKey, TResult>? joined = null)
    {
        ArgumentNullException.ThrowIfNull(foreignKeyExtractor);
        ArgumentNullException.ThrowIfNull(joiner);
        return JoinOnForeignKey(other, foreignKeyExtractor, (_, l, r) => joiner(l, r!), leftJoin: false, joined);
    }

    /// <summary>
    /// Left foreign-key join: every row of this table appears, joined with the right row its foreign key
    /// references, or with null when there is none (or the foreign key is null).
    /// </summary>
    /// <param name="other">The table looked up by foreign key.</param>
    /// <param name="foreignKeyExtractor">The foreign key of a value (null: no match).</param>
    /// <param name="joiner">Combines a row with the right row it references (null when none).</param>
    /// <param name="joined">Name and result store options.</param>
    /// <typeparam name="TForeignKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by this table's key.</returns>
    public KTable<TKey, TResult> LeftJoin<TForeignKey, TOther, TResult>(KTable<TForeignKey, TOther> other,
        Func<TValue, TForeignKey?> foreignKeyExtractor, Func<TValue, TOther?, TResult> joiner, ForeignKeyJoined<TKey, TResult>? joined = null)
    {
        ArgumentNullException.ThrowIfNull(foreignKeyExtractor);
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TOther>("KTable.LeftJoin (foreign key)", "right");
        return JoinOnForeignKey(other, (_, v) => foreignKeyExtractor(v), (_, l, r) => joiner(l, r), leftJoin: true, joined);
    }

    /// <summary>Left foreign-key join whose foreign key depends on the row's key as well as its value (KIP-1104).</summary>
    /// <param name="other">The table looked up by foreign key.</param>
    /// <param name="foreignKeyExtractor">The foreign key of a row, from its key and value (null: no match).</param>
    /// <param name="joiner">Combines a row with the right row it references (null when none).</param>
    /// <param name="joined">Name and result store options.</param>
    /// <typeparam name="TForeignKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by this table's key.</returns>
    public KTable<TKey, TResult> LeftJoin<TForeignKey, TOther, TResult>(KTable<TForeignKey, TOther> other,
        Func<TKey, TValue, TForeignKey?> foreignKeyExtractor, Func<TValue, TOther?, TResult> joiner, ForeignKeyJoined<TKey, TResult>? joined = null)
    {
        ArgumentNullException.ThrowIfNull(foreignKeyExtractor);
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TOther>("KTable.LeftJoin (foreign key)", "right");
        return JoinOnForeignKey(other, foreignKeyExtractor, (_, l, r) => joiner(l, r), leftJoin: true, joined);
    }

    /// <summary>
    /// Foreign-key full outer join (Kafka has none). A left-keyed table cannot hold a right row that no left
    /// row references, so the result is keyed by the pair (this key, foreign key), as a many-to-many join on
    /// the foreign key: a matched row under (key, foreign key); a row whose foreign key is null or references
    /// no right row under <see cref="JoinKey{TLeftKey,TRightKey}.LeftOnly"/>; a right row no left row references
    /// under <see cref="JoinKey{TLeftKey,TRightKey}.RightOnly"/>, retracted when its first referencing row
    /// arrives. Semantics in docs/semantics.md ("Foreign-key outer join").
    /// </summary>
    /// <param name="other">The table looked up by foreign key.</param>
    /// <param name="foreignKeyExtractor">The foreign key of a value (null: no match).</param>
    /// <param name="joiner">Combines a pair (either side null when unmatched).</param>
    /// <param name="materialized">Store name and serdes of the result.</param>
    /// <typeparam name="TForeignKey">Key type of the other table.</typeparam>
    /// <typeparam name="TOther">Value type of the other table (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table, keyed by (this key, foreign key).</returns>
    public KTable<JoinKey<TKey, TForeignKey>, TResult> OuterJoin<TForeignKey, TOther, TResult>(KTable<TForeignKey, TOther> other,
        Func<TValue, TForeignKey?> foreignKeyExtractor, Func<TValue?, TOther?, TResult> joiner,
        Materialized<JoinKey<TKey, TForeignKey>, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(foreignKeyExtractor);
        // The right table's join attribute is its primary key, so each left row meets at most the one row it references.
        return OuterJoin<TForeignKey, TOther, TForeignKey, TResult>(other, (_, v) => foreignKeyExtractor(v), (rk, _) => rk, joiner, materialized);
    }

    private KTable<TKey, TResult> JoinOnForeignKey<TForeignKey, TOther, TResult>(KTable<TForeignKey, TOther> other,
        Func<TKey, TValue, TForeignKey?> extractor, Func<TKey, TValue, TOther?, TResult> joiner, bool leftJoin, ForeignKeyJoined<TKey, TResult>? joined)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Builder, Builder)) throw new TopologyException("the two tables come from different StreamsBuilders.");
        // Kafka's KTableImpl.doJoinOnForeignKey enables old values on both tables.
        EnableSendingOldValues(true);
        other.EnableSendingOldValues(true);
        var leftKeySerde = KeySerde ?? Serdes.Default<TKey>();
        var leftSerde = ValueSerde ?? Serdes.Default<TValue>();
        var fkSerde = other.KeySerde ?? Serdes.Default<TForeignKey>();
        var rightSerde = other.ValueSerde ?? Serdes.Default<TOther>();
        // Names as Kafka's KTableImpl.doJoinOnForeignKey gives them, in its order (each call takes one index, so
        // the generated names, and the Kafka host's topic names, are Kafka's): unnamed, KTABLE-FK-JOIN-…-NNNNNNNNNN;
        // with ForeignKeyJoined.Name, "<name>-<suffix>" (Kafka's NamedInternal.suffixWithOrElseGet, which still
        // takes an index so later generated names do not move).
        string Name(string suffix, string prefix)
        {
            string generated = B.NewName(prefix);
            return joined?.Name is { } n ? n + suffix : generated;
        }
        string registrationTopic = Name("-subscription-registration", "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-") + "-topic";
        string send = Name("-subscription-registration-processor", "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-");
        string registrationSink = Name("-subscription-registration-sink", "KTABLE-SINK-");
        string registrationSource = Name("-subscription-registration-source", "KTABLE-SOURCE-");
        string subscriptions = Name("-subscription-store", "KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-");
        string receive = Name("-subscription-receive", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-");
        Name("-subscription-join-foreign", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-"); // Kafka's second node; Braid's receive also joins
        string rightUpdate = Name("-foreign-join-subscription", "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-");
        string responseTopic = Name("-subscription-response", "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-") + "-topic";
        string responseSink = Name("-subscription-response-sink", "KTABLE-SINK-");
        string responseSource = Name("-subscription-response-source", "KTABLE-SOURCE-");
        string resolve = Name("-subscription-response-resolver", "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-");
        Name("-result", "KTABLE-FK-JOIN-OUTPUT-"); // Kafka's result node; Braid's resolver keeps the result itself

        var combinedSerde = new CombinedKeySerde<TForeignKey, TKey>(fkSerde, leftKeySerde) { StringGroups = true };
        B.AddStore(new KeyValueStoreBuilder<CombinedKey<TForeignKey, TKey>, ValueAndTimestamp<UInt128>>(subscriptions, combinedSerde, HashAndTimestampSerde.Instance));

        // Left side → subscription topic, keyed by foreign key.
        B.AddProcessor(send, () => new SubscriptionSend<TKey, TValue, TForeignKey>(send, extractor, leftSerde, fkSerde, leftJoin), NodeName);
        var subscriptionSerde = new SubscriptionSerde<TKey>(leftKeySerde);
        InternalTopic(registrationTopic, registrationSink, registrationSource, fkSerde, subscriptionSerde, send);

        // Right side: subscriptions and right-table changes both answer through the response topic.
        var rightGetter = other.ValueGetter;
        B.AddProcessor(receive, () => new SubscriptionReceive<TForeignKey, TKey, TOther>(receive, subscriptions, rightGetter), registrationSource);
        B.ConnectStores(receive, [subscriptions, .. rightGetter.StoreNames]);
        B.AddProcessor(rightUpdate, () => new ForeignTableUpdate<TForeignKey, TOther, TKey>(rightUpdate, subscriptions, combinedSerde), other.NodeName);
        B.ConnectStores(rightUpdate, subscriptions);
        InternalTopic(responseTopic, responseSink, responseSource, leftKeySerde, new SubscriptionResponseSerde<TOther>(rightSerde), receive, rightUpdate);

        // Left side: resolve responses against the current left value. Without Materialized the result store is
        // Kafka's: kept only when a later operator reads the table or needs old values (OnDemandResultStore), so a
        // result that only flows on (ToStream) costs no store write per output.
        var leftGetter = ValueGetter;
        if (joined?.Materialized is null)
        {
            string name = B.NewStoreName("KTABLE-FK-JOIN-OUTPUT-");
            var resultKeySerde = KeySerde ?? Serdes.Default<TKey>();
            var lazy = new OnDemandResultStore<TKey, TResult>(B, name, resolve, () => new KeyValueStoreBuilder<TKey, ValueAndTimestamp<TResult>>(
                name, resultKeySerde, new ValueAndTimestampSerde<TResult>(Serdes.Default<TResult>())));
            B.AddProcessor(resolve, () => new ResponseResolver<TKey, TValue, TOther, TResult>(resolve, leftGetter, leftSerde, joiner, leftJoin,
                lazy.Declared ? lazy.Name : null), responseSource);
            B.ConnectStores(resolve, leftGetter.StoreNames);
            // Any operator that asks about old values (GroupBy, Suppress, joins, Filter) or forwards them (a materialized
            // MapValues: KeepOldValues) gets the store, so the changes below carry old values as before. The ask is
            // honoured even when not forced (Kafka keeps no store for enableSendingOldValues(false)): a materialized
            // Filter claims old values without asking its parent (KTable.DoFilter), so a COUNT below
            // FK → Filter(materialized) → MapValues(materialized) would double count (review, s12; the
            // CountBelow…MaterializedFilterThenMaterializedMapValues case fails if this honours force).
            return new KTable<TKey, TResult>(Builder, resolve, KeySerde, null, lazy, null)
            {
                EnableSendingOldValues = _ =>
                {
                    lazy.Declare();
                    return true;
                },
                KeepOldValues = lazy.Declare,
            };
        }
        string resultStore = DslSupport.AddTableStore(B, joined.Materialized, KeySerde, null, "KTABLE-FK-JOIN-OUTPUT-");
        B.AddProcessor(resolve, () => new ResponseResolver<TKey, TValue, TOther, TResult>(resolve, leftGetter, leftSerde, joiner, leftJoin, resultStore), responseSource);
        B.ConnectStores(resolve, [resultStore, .. leftGetter.StoreNames]);
        return new KTable<TKey, TResult>(Builder, resolve, joined.Materialized.KeySerde ?? KeySerde, joined.Materialized.ValueSerde,
            new StoreValueGetterSupplier<TKey, TResult>(resultStore), resultStore);
    }

    /// <summary>An internal topic fed by several parents (a sink) and read back by one source.</summary>
    private void InternalTopic<TK, TV>(string topic, string sink, string source, Serde<TK> keySerde, Serde<TV> valueSerde, params string[] parents)
    {
        B.AddSink(sink, topic, () => new SinkNode<TK, TV>(sink, topic, null, keySerde, valueSerde), parents);
        B.MarkInternalTopic(topic);
        B.AddSource(source, [topic], () => new SourceNode<TK, TV>(source, keySerde, valueSerde));
    }
}
