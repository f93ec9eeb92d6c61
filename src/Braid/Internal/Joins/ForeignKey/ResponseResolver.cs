using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Internal.Tables;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// Left side of a foreign-key join, response path (Kafka's ResponseJoin): joins a response with the left
/// row's current value, unless the response was computed for an older left value.
/// <list type="bullet">
/// <item>State: the join result store when there is one (Materialized, or a later operator reads the result or needs
/// its old values: <see cref="OnDemandResultStore{TKey,TResult}"/>), so each output carries its old value for downstream
/// retraction; without it outputs carry no old value, as Kafka's unmaterialized FK result. Reads the left table.</item>
/// <item>Emit rule: a response whose hash differs from the hash of the current left value is stale (the
/// row changed or was deleted after the subscription was sent; a newer response is on its way) and is
/// dropped, counted as "stale-response". Otherwise: left row gone → tombstone; no right value → inner:
/// tombstone, left: joiner(left, null); else joiner(left, right). A tombstone is forwarded even when no
/// result existed (Kafka's "unnecessary" inner-join tombstones, pinned by it-fk-non-matching-fk-inner).</item>
/// <item>Time rule: the response's timestamp.</item>
/// <item>Absence: the joiner gets null for a missing right value (left join only).</item>
/// </list>
/// Timeline (left k: FK a → b, b has no value, inner): k sends delete(a, no answer) and sub(b); b answers
/// "no match" with hash(v2); v2 is current → tombstone. A late answer from a for v1 would carry hash(v1) → dropped.
/// </summary>
internal sealed class ResponseResolver<TLeftKey, TLeft, TRight, TResult>(
    string name, TableValueGetterSupplier<TLeftKey, TLeft> left, Serde<TLeft> leftSerde,
    Func<TLeftKey, TLeft, TRight?, TResult> joiner, bool leftJoin, string? resultStore)
    : ProcessorNode<TLeftKey, SubscriptionResponse<TRight>, TLeftKey, Change<TResult>>(name)
{
    private ITableValueGetter<TLeftKey, TLeft> _left = null!;
    private IKeyValueStore<TLeftKey, ValueAndTimestamp<TResult>>? _results; // null: no store was declared
    private IPutAndGetOld<TLeftKey, ValueAndTimestamp<TResult>>? _swap; // in-memory and RocksDB stores: the old result read and the new written in one lookup

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _left = left.Create(context);
        _results = resultStore is null ? null : context.GetStore<IKeyValueStore<TLeftKey, ValueAndTimestamp<TResult>>>(resultStore);
        _swap = _results as IPutAndGetOld<TLeftKey, ValueAndTimestamp<TResult>>;
    }

    public override void Process(in Record<TLeftKey, SubscriptionResponse<TRight>> record)
    {
        if (DropsNullKey(record.Key)) return;
        var key = record.Key;
        var response = record.Value;
        bool hasLeft = _left.TryGet(key, out var current);
        bool fresh = hasLeft
            ? response.HasHash && ValueHash.Of(leftSerde, current.Value) == response.Hash
            : !response.HasHash;
        if (!fresh)
        {
            Context.RecordDropped(Name, "stale-response");
            return;
        }

        bool hasResult = hasLeft && (response.HasRight || leftJoin);
        TResult? result = hasResult ? joiner(key, current.Value, response.HasRight ? response.Right : default) : default;
        hasResult = hasResult && result is not null;
        bool hadOld = false;
        ValueAndTimestamp<TResult> old = default;
        if (_results is not null) hadOld = Store(key, hasResult, result, record.Timestamp, out old);
        Forward(new Record<TLeftKey, Change<TResult>>(key, new Change<TResult>(result, hasResult, old.Value, hadOld), record.Timestamp, record.Headers));
    }

    // Writes the new result (or removes the old one) and returns the old one.
    private bool Store(TLeftKey key, bool hasResult, TResult? result, long timestamp, out ValueAndTimestamp<TResult> old)
    {
        if (hasResult && _swap is not null) return _swap.PutAndGetOld(key, new ValueAndTimestamp<TResult>(result!, timestamp), out old);
        bool hadOld = _results!.TryGet(key, out old);
        if (hasResult) _results.Put(key, new ValueAndTimestamp<TResult>(result!, timestamp));
        else if (hadOld) _results.Delete(key);
        return hadOld;
    }
}
