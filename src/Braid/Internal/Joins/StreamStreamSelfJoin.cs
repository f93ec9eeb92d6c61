using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// An inner KStream–KStream join of a stream with itself (Kafka's KStreamKStreamSelfJoin, the
/// <c>topology.optimization=all</c> plan), in one node with one window store.
/// <list type="bullet">
/// <item>State: one window store (retention = before + after + grace, duplicates kept), written after
/// the record is processed, so a record never meets itself in the store.</item>
/// <item>Emit rule: for a record x, first x (as left) with every buffered y in [x - before, x + after],
/// then every buffered y in [x - after, x + before] (as left) with x (as right), and x with itself once,
/// placed before the first pair whose timestamp is larger than x's. So every ordered pair (a, b) with
/// b - a in [-before, after] is emitted exactly once, including (x, x).</item>
/// <item>Time rule: results carry the larger timestamp. The pair (x, x) is emitted only while x is inside
/// retention of the node's stream time (Kafka: <c>ts &gt; streamTime - retention + 1</c>).</item>
/// <item>Absence: null keys and null values are dropped (counted): an inner join has nothing to pair them with.</item>
/// </list>
/// Pinned by the extended vector it-stream-stream-self-join and StreamStreamSelfJoinTests.
/// </summary>
internal sealed class StreamStreamSelfJoin<TKey, TValue, TResult>(string name, string storeName, JoinWindows windows,
    Func<TKey, TValue, TValue, TResult> joiner) : ProcessorNode<TKey, TValue, TKey, TResult>(name)
{
    private readonly long _retentionMs = windows.SizeMs + windows.GraceMs;
    private readonly List<TimestampedValue<TValue>> _others = new();
    private IWindowStore<TKey, TValue> _store = null!;
    private System.Runtime.CompilerServices.StrongBox<long> _streamTime = null!; // committed with the task (TaskContext.NodeStreamTime)

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IWindowStore<TKey, TValue>>(storeName);
        _streamTime = context.NodeStreamTime(Name);
    }

    public override void Process(in Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
        {
            Context.RecordDropped(Name, record.Key is null ? "null-key" : "null-value");
            return;
        }
        var key = record.Key;
        var value = record.Value;
        long ts = record.Timestamp;
        if (ts > _streamTime.Value) _streamTime.Value = ts;
        bool emitSelf = ts > _streamTime.Value - _retentionMs + 1;

        _others.Clear();
        _store.Fetch(key, Math.Max(0L, ts - windows.BeforeMs), Math.Max(0L, ts + windows.AfterMs), _others);
        foreach (var other in _others)
            Forward(new Record<TKey, TResult>(key, joiner(key, value, other.Value), Math.Max(ts, other.Timestamp), record.Headers));

        // A separate pass keeps the output in the order an inner join of two copies would produce.
        _others.Clear();
        _store.Fetch(key, Math.Max(0L, ts - windows.AfterMs), Math.Max(0L, ts + windows.BeforeMs), _others);
        foreach (var other in _others)
        {
            if (emitSelf && other.Timestamp > ts)
            {
                emitSelf = false;
                Forward(new Record<TKey, TResult>(key, joiner(key, value, value), ts, record.Headers));
            }
            Forward(new Record<TKey, TResult>(key, joiner(key, other.Value, value), Math.Max(ts, other.Timestamp), record.Headers));
        }
        if (emitSelf) Forward(new Record<TKey, TResult>(key, joiner(key, value, value), ts, record.Headers));
        _others.Clear();
        if (!_store.Put(key, value, ts)) Context.RecordDropped(Name, "late");
    }
}
