using Braid.Internal.Aggregations;
using Braid.Internal.Tables;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KGroupedTable<TKey, TValue>
{
    /// <summary>
    /// Collects the rows of each group into an ordered list, optionally capped: SQL
    /// <c>array_agg(value ORDER BY orderBy [DESC]) … LIMIT n</c> per group. Kept right under updates and
    /// deletes: every member is kept in state, so when a shown member leaves, the next one moves up.
    /// A group with no rows is deleted. Members are matched by value equality when they leave, so use
    /// values with value semantics (records), and never change a member in place: persistent stores keep a member's
    /// serialized bytes from one commit to the next by object reference (docs/differences.md, "Stores").
    /// </summary>
    /// <param name="orderBy">The sort key of a row (ties keep arrival order).</param>
    /// <param name="descending">Largest sort key first.</param>
    /// <param name="limit">Show at most this many rows per group (null: all).</param>
    /// <param name="materialized">Store name and serdes of the result table.</param>
    /// <typeparam name="TSort">Sort key type (ordered by <see cref="Comparer{T}.Default"/>).</typeparam>
    /// <returns>The table of lists.</returns>
    public KTable<TKey, IReadOnlyList<TValue>> Collect<TSort>(Func<TValue, TSort> orderBy, bool descending = false, int? limit = null,
        Materialized<TKey, IReadOnlyList<TValue>>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(orderBy);
        if (limit is <= 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "A collected list shows at least one row.");
        var b = Builder.Internal;
        var keySerde = KeySerde ?? Serdes.Default<TKey>();
        var listSerde = new ListSerde<TValue>(ValueSerde ?? Serdes.Default<TValue>());
        string view = DslSupport.AddTableStore(b, materialized, keySerde, listSerde, "KTABLE-COLLECT-");
        string members = view + "-members";
        b.AddStore(new KeyValueStoreBuilder<MemberPageKey<TKey>, MemberPage<TValue>>(members,
            new MemberPageKey<TKey>.KeySerde(keySerde), new MemberPage<TValue>.ValueSerde(listSerde)));
        string n = b.NewName("KTABLE-COLLECT-");
        int cap = limit ?? int.MaxValue;
        b.AddProcessor(n, () => new TableCollect<TKey, TValue, TSort>(n, members, view, orderBy, descending, cap), NodeName);
        b.ConnectStores(n, view, members);
        return new KTable<TKey, IReadOnlyList<TValue>>(Builder, n, materialized?.KeySerde ?? KeySerde, materialized?.ValueSerde ?? listSerde,
            new StoreValueGetterSupplier<TKey, IReadOnlyList<TValue>>(view), view);
    }
}
