using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Aggregations;

/// <summary>
/// KGroupedStream Aggregate / Count / Reduce: folds each record into the running value of its key.
/// Null keys and null values are dropped and counted (nothing to group by / nothing to add).
/// The result timestamp is the max of the record's and the previous aggregate's (Kafka's rule).
/// A reduce is an aggregate whose first value is the record itself (<paramref name="initializer"/> null).
/// </summary>
internal sealed class StreamAggregate<TKey, TValue, TAgg>(
    string name, string storeName, Func<TAgg>? initializer, Func<TKey, TValue, TAgg, TAgg> aggregator, Func<TValue, TAgg>? first)
    : ProcessorNode<TKey, TValue, TKey, Change<TAgg>>(name)
{
    private IKeyValueStore<TKey, ValueAndTimestamp<TAgg>> _store = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<TAgg>>>(storeName);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
        {
            Context.RecordDropped(Name, record.Key is null ? "null-key" : "null-value");
            return;
        }
        bool hadOld = _store.TryGet(record.Key, out var old);
        TAgg next;
        long ts;
        if (hadOld)
        {
            next = aggregator(record.Key, record.Value, old.Value);
            ts = Math.Max(record.Timestamp, old.Timestamp);
        }
        else
        {
            next = initializer is not null ? aggregator(record.Key, record.Value, initializer()) : first!(record.Value);
            ts = record.Timestamp;
        }
        if (next is null) throw new StreamsException($"Aggregator of '{Name}' returned null for key '{record.Key}'; aggregates must not be null.");
        _store.Put(record.Key, new ValueAndTimestamp<TAgg>(next, ts));
        Forward(new Record<TKey, Change<TAgg>>(record.Key, new Change<TAgg>(next, true, old.Value, hadOld), ts, record.Headers));
    }
}
