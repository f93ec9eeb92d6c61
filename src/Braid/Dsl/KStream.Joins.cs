using Braid.Internal.Joins;

namespace Braid;

public sealed partial class KStream<TKey, TValue>
{
    /// <summary>
    /// Inner stream–table join: each stream record is joined with the table's current value for its key;
    /// records whose key the table lacks produce nothing. Table updates produce nothing. The result keeps
    /// the stream record's timestamp.
    /// </summary>
    /// <param name="table">The table (co-partitioned with this stream).</param>
    /// <param name="joiner">Combines the stream value and the table value.</param>
    /// <param name="joined">Serdes and name.</param>
    /// <typeparam name="TTableValue">Table value type.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> Join<TTableValue, TResult>(KTable<TKey, TTableValue> table, Func<TValue, TTableValue, TResult> joiner,
        Joined<TKey, TValue, TTableValue>? joined = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        return JoinTable(table, (_, v, t) => joiner(v, t!), leftJoin: false, joined);
    }

    /// <summary>
    /// Left stream–table join: every stream record produces a result; the table side is null when the
    /// table lacks the key. Null-key records are forwarded too (KIP-962).
    /// </summary>
    /// <param name="table">The table (co-partitioned with this stream).</param>
    /// <param name="joiner">Combines the stream value and the table value (null when absent).</param>
    /// <param name="joined">Serdes and name.</param>
    /// <typeparam name="TTableValue">Table value type (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> LeftJoin<TTableValue, TResult>(KTable<TKey, TTableValue> table, Func<TValue, TTableValue?, TResult> joiner,
        Joined<TKey, TValue, TTableValue>? joined = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TTableValue>("KStream.LeftJoin(KTable)", "table");
        return JoinTable(table, (_, v, t) => joiner(v, t), leftJoin: true, joined);
    }

    /// <summary>Inner stream–global-table join: the table key is mapped from each stream record.</summary>
    /// <param name="table">The global table.</param>
    /// <param name="keyMapper">The table key from the stream record's key and value.</param>
    /// <param name="joiner">Combines the stream value and the table value.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TTableKey">Table key type.</typeparam>
    /// <typeparam name="TTableValue">Table value type.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> Join<TTableKey, TTableValue, TResult>(GlobalKTable<TTableKey, TTableValue> table,
        Func<TKey?, TValue, TTableKey?> keyMapper, Func<TValue, TTableValue, TResult> joiner, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        return JoinGlobal(table, keyMapper, (_, v, t) => joiner(v, t!), leftJoin: false, name);
    }

    /// <summary>Left stream–global-table join: every stream record with a value produces a result.</summary>
    /// <param name="table">The global table.</param>
    /// <param name="keyMapper">The table key from the stream record's key and value.</param>
    /// <param name="joiner">Combines the stream value and the table value (null when absent).</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TTableKey">Table key type.</typeparam>
    /// <typeparam name="TTableValue">Table value type (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> LeftJoin<TTableKey, TTableValue, TResult>(GlobalKTable<TTableKey, TTableValue> table,
        Func<TKey?, TValue, TTableKey?> keyMapper, Func<TValue, TTableValue?, TResult> joiner, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TTableValue>("KStream.LeftJoin(GlobalKTable)", "table");
        return JoinGlobal(table, keyMapper, (_, v, t) => joiner(v, t), leftJoin: true, name);
    }

    private KStream<TKey, TResult> JoinTable<TTableValue, TResult>(KTable<TKey, TTableValue> table,
        Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin, Joined<TKey, TValue, TTableValue>? joined)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!ReferenceEquals(table.Builder, Builder)) throw new TopologyException("the stream and the table come from different StreamsBuilders.");
        if (joined?.GracePeriod is not null)
            return StreamTableJoinWithGrace(table, joiner, leftJoin, joined);
        var input = RepartitionIfRequired(() => joined?.Name ?? B.NewName("KSTREAM-JOIN-"), joined?.KeySerde, joined?.LeftValueSerde);
        string n = joined?.Name ?? B.NewName(leftJoin ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
        var getter = table.ValueGetter;
        B.AddProcessor(n, () => new StreamTableJoin<TKey, TValue, TTableValue, TResult>(n, getter, joiner, leftJoin), input.NodeName);
        B.ConnectStores(n, getter.StoreNames);
        return new KStream<TKey, TResult>(Builder, n, input.KeySerde, null, false);
    }

    private KStream<TKey, TResult> JoinGlobal<TTableKey, TTableValue, TResult>(GlobalKTable<TTableKey, TTableValue> table,
        Func<TKey?, TValue, TTableKey?> keyMapper, Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin, string? name)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keyMapper);
        string n = name ?? B.NewName(leftJoin ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
        string store = table.StoreName;
        B.AddProcessor(n, () => new StreamGlobalTableJoin<TKey, TValue, TTableKey, TTableValue, TResult>(n, store, keyMapper, joiner, leftJoin), NodeName);
        B.ConnectStores(n, store);
        return new KStream<TKey, TResult>(Builder, n, KeySerde, null, RepartitionRequired);
    }
}
