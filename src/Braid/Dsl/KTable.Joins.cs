using Braid.Internal.Joins;
using Braid.Internal.Tables;

namespace Braid;

public sealed partial class KTable<TKey, TValue>
{
    /// <summary>
    /// Inner table–table join on the primary key: a row exists while both sides have the key. Either
    /// side's update emits the new result (a tombstone when it disappears); timestamp = max of both sides.
    /// </summary>
    /// <param name="other">The other table (co-partitioned).</param>
    /// <param name="joiner">Combines the two values.</param>
    /// <param name="materialized">Materialize the result (else it is computed from the two tables on demand).</param>
    /// <typeparam name="TOther">Other value type.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table.</returns>
    public KTable<TKey, TResult> Join<TOther, TResult>(KTable<TKey, TOther> other, Func<TValue, TOther, TResult> joiner,
        Materialized<TKey, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        return JoinTables(other, (l, r) => joiner(l!, r!), JoinKind.Inner, materialized);
    }

    /// <summary>Left table–table join: a row exists while this side has the key; the other side may be null.</summary>
    /// <param name="other">The other table (co-partitioned).</param>
    /// <param name="joiner">Combines the two values (other side null when absent).</param>
    /// <param name="materialized">Materialize the result.</param>
    /// <typeparam name="TOther">Other value type (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table.</returns>
    public KTable<TKey, TResult> LeftJoin<TOther, TResult>(KTable<TKey, TOther> other, Func<TValue, TOther?, TResult> joiner,
        Materialized<TKey, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TOther>("KTable.LeftJoin", "right");
        return JoinTables(other, (l, r) => joiner(l!, r), JoinKind.Left, materialized);
    }

    /// <summary>Outer table–table join: a row exists while either side has the key; the missing side is null.</summary>
    /// <param name="other">The other table (co-partitioned).</param>
    /// <param name="joiner">Combines the two values (either may be null).</param>
    /// <param name="materialized">Materialize the result.</param>
    /// <typeparam name="TOther">Other value type (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined table.</returns>
    public KTable<TKey, TResult> OuterJoin<TOther, TResult>(KTable<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner,
        Materialized<TKey, TResult>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TValue>("KTable.OuterJoin", "left");
        DslSupport.EnsureCanBeAbsent<TOther>("KTable.OuterJoin", "right");
        return JoinTables(other, joiner, JoinKind.Outer, materialized);
    }

    private KTable<TKey, TResult> JoinTables<TOther, TResult>(KTable<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner,
        JoinKind kind, Materialized<TKey, TResult>? materialized)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Builder, Builder)) throw new TopologyException("the two tables come from different StreamsBuilders.");
        // Kafka's KTableImpl.doJoin: a left/outer side must send old values (a filter before it then skips
        // tombstones for keys it never passed).
        if (kind != JoinKind.Inner) EnableSendingOldValues(true);
        if (kind == JoinKind.Outer) other.EnableSendingOldValues(true);
        string prefix = kind switch { JoinKind.Inner => "KTABLE-JOINTHIS-", JoinKind.Left => "KTABLE-LEFTTHIS-", _ => "KTABLE-OUTERTHIS-" };
        string otherPrefix = prefix.Replace("THIS", "OTHER", StringComparison.Ordinal);
        string thisName = B.NewName(prefix);
        string otherName = B.NewName(otherPrefix);
        string mergeName = B.NewName("KTABLE-MERGE-");
        var otherGetter = other.ValueGetter;
        var thisGetter = ValueGetter;
        B.AddProcessor(thisName, () => new TableTableJoin<TKey, TValue, TOther, TResult>(thisName, otherGetter, joiner, kind, isLeftSide: true), NodeName);
        B.ConnectStores(thisName, otherGetter.StoreNames);
        Func<TOther?, TValue?, TResult> reversed = (r, l) => joiner(l, r);
        B.AddProcessor(otherName, () => new TableTableJoin<TKey, TOther, TValue, TResult>(otherName, thisGetter, reversed, kind, isLeftSide: false), other.NodeName);
        B.ConnectStores(otherName, thisGetter.StoreNames);
        string? store = materialized is null ? null : DslSupport.AddTableStore(B, materialized, KeySerde, null, "KTABLE-MERGE-");
        B.AddProcessor(mergeName, () => new TableTableJoinMerger<TKey, TResult>(mergeName, store), thisName, otherName);
        if (store is not null) B.ConnectStores(mergeName, store);
        TableValueGetterSupplier<TKey, TResult> getter = store is not null
            ? new StoreValueGetterSupplier<TKey, TResult>(store)
            : new TableTableJoinValueGetterSupplier<TKey, TValue, TOther, TResult>(thisGetter, otherGetter, joiner, kind);
        return new KTable<TKey, TResult>(Builder, mergeName, KeySerde ?? other.KeySerde, materialized?.ValueSerde, getter, store)
        {
            VersionedUpstream = store is null && HasVersionedSemantics && other.HasVersionedSemantics,
        };
    }
}
