using Braid.Internal.Tables;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// Reads the current result of a table–table join without a store of its own, by joining the two
/// sides' current values on demand (so a join result can itself be joined, as in Kafka).
/// </summary>
internal sealed class TableTableJoinValueGetterSupplier<TKey, TLeft, TRight, TResult>(
    TableValueGetterSupplier<TKey, TLeft> left, TableValueGetterSupplier<TKey, TRight> right,
    Func<TLeft?, TRight?, TResult> joiner, JoinKind kind) : TableValueGetterSupplier<TKey, TResult>
{
    public override string[] StoreNames => [.. left.StoreNames, .. right.StoreNames];

    public override ITableValueGetter<TKey, TResult> Create(TaskContext context) =>
        new Getter(left.Create(context), right.Create(context), joiner, kind);

    private sealed class Getter(ITableValueGetter<TKey, TLeft> left, ITableValueGetter<TKey, TRight> right,
        Func<TLeft?, TRight?, TResult> joiner, JoinKind kind) : ITableValueGetter<TKey, TResult>
    {
        public bool TryGet(TKey key, out ValueAndTimestamp<TResult> value)
        {
            bool hasLeft = left.TryGet(key, out var l);
            bool hasRight = right.TryGet(key, out var r);
            bool present = kind switch
            {
                JoinKind.Inner => hasLeft && hasRight,
                JoinKind.Left => hasLeft,
                _ => hasLeft || hasRight,
            };
            if (!present)
            {
                value = default;
                return false;
            }
            long ts = Math.Max(hasLeft ? l.Timestamp : long.MinValue, hasRight ? r.Timestamp : long.MinValue);
            var result = joiner(hasLeft ? l.Value : default, hasRight ? r.Value : default);
            value = new ValueAndTimestamp<TResult>(result, ts);
            return result is not null;
        }
    }
}
