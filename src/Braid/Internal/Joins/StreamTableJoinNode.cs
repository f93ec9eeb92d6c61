using Braid.Internal.Nodes;

namespace Braid.Internal.Joins;

/// <summary>
/// The absence rules every KStream–KTable join shares, with or without a grace period (Kafka Streams decides both in
/// one class, <c>KStreamKTableJoinProcessor</c>): a null-value stream record is dropped (counted); a null key
/// (KIP-962) is dropped by the inner join and forwarded at once by the left join with a null table side (it cannot
/// be looked up); a key the table lacks gives no result (inner) or a result with a null table side (left).
/// </summary>
internal abstract class StreamTableJoinNode<TKey, TValue, TTableValue, TResult>(
    string name, Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin)
    : ProcessorNode<TKey, TValue, TKey, TResult>(name)
{
    public sealed override void Process(in Record<TKey, TValue> record)
    {
        if (record.Value is null)
        {
            Context.RecordDropped(Name, "null-value");
            return;
        }
        if (record.Key is null)
        {
            if (leftJoin) Forward(new Record<TKey, TResult>(record.Key, joiner(record.Key, record.Value, default), record.Timestamp, record.Headers));
            else Context.RecordDropped(Name, "null-key");
            return;
        }
        ProcessKeyed(record.Key, record.Value, record.Timestamp, record.Headers);
    }

    /// <summary>A stream record with a key and a value.</summary>
    protected abstract void ProcessKeyed(TKey key, TValue value, long timestamp, Headers? headers);

    /// <summary>Emits the join of a stream record with the table's value for its key, if <paramref name="found"/>.</summary>
    protected void Emit(TKey key, TValue value, long timestamp, Headers? headers, bool found, TTableValue? right)
    {
        if (found)
            Forward(new Record<TKey, TResult>(key, joiner(key, value, right), timestamp, headers));
        else if (leftJoin)
            Forward(new Record<TKey, TResult>(key, joiner(key, value, default), timestamp, headers));
    }
}
