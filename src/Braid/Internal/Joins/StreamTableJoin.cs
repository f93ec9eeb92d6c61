using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Internal.Tables;

namespace Braid.Internal.Joins;

/// <summary>
/// KStream–KTable join, inner and left (Kafka Streams 4.x).
/// <list type="bullet">
/// <item>State: none of its own; it reads the table's store through a value getter (co-partitioned).</item>
/// <item>Emit rule: only stream records trigger; table updates emit nothing. Inner: a result when the
/// table has the key. Left: always a result, with a null right side when the table lacks the key.</item>
/// <item>Time rule: the result keeps the stream record's timestamp. An unversioned table has only "now":
/// its current value is used, whatever its timestamp. A versioned table (KIP-914) is read as of the stream
/// record's timestamp: the version valid then, so a late stream record joins the row of its own time
/// (vectors it-versioned-stream-table-*). No grace here; see <see cref="StreamTableJoinWithGrace{TKey,TValue,TTableValue,TResult}"/>.</item>
/// <item>Absence: null-value stream records are dropped (counted). Null keys (KIP-962): dropped by the
/// inner join; the left join forwards them joined with a null right side. The left join passes
/// <c>null</c> as the missing right value — the DSL refuses right value types that cannot be null.</item>
/// </list>
/// Pinned by the conformance vectors doc-stream-table-* and it-stream-table-*.
/// </summary>
internal sealed class StreamTableJoin<TKey, TValue, TTableValue, TResult>(
    string name, TableValueGetterSupplier<TKey, TTableValue> table, Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin)
    : StreamTableJoinNode<TKey, TValue, TTableValue, TResult>(name, joiner, leftJoin), IStoredKeysReader
{
    private ITableValueGetter<TKey, TTableValue> _getter = null!;
    private IVersionedTableValueGetter<TKey, TTableValue>? _versioned;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _getter = table.Create(context);
        _versioned = _getter as IVersionedTableValueGetter<TKey, TTableValue>;
    }

    /// <summary>The table's stored keys, when it is read straight from an in-memory string-keyed store (a versioned
    /// table is read as of a time, through another store kind).</summary>
    public IStoredStringKeys? StoredKeys => _versioned is null ? (_getter as IStoredKeysReader)?.StoredKeys : null;

    protected override void ProcessKeyed(TKey key, TValue value, long timestamp, Headers? headers)
    {
        bool found = _versioned is not null
            ? _versioned.TryGetAsOf(key, timestamp, out var right)
            : _getter.TryGet(key, out right);
        Emit(key, value, timestamp, headers, found, found ? right.Value : default);
    }
}
