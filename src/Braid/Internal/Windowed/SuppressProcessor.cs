using Braid.Internal.Nodes;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>
/// KTable.Suppress (Kafka's KTableSuppressProcessor).
/// <list type="bullet">
/// <item>State: a <see cref="TimeOrderedBuffer{TKey,TValue}"/> holding each key's latest change, the value
/// before its first held change (emitted as the old value), and its buffer time.</item>
/// <item>Emit rule: after each record, every key whose buffer time is at or before
/// <c>streamTime - suppressDuration</c> leaves the buffer, in buffer time then key-byte order. Final results
/// (until the window closes) drop held tombstones; a time limit forwards them. A bounded buffer over its
/// bound either emits its oldest key early or, when strict, fails the task.</item>
/// <item>Time rule: stream time is the largest timestamp this node has received (upstream aggregates forward
/// the largest record timestamp of the window, so records an aggregation dropped as late do not advance it).
/// Buffer time is the window end (end + 1 for the inclusive sliding and session windows, so a final result is
/// never followed by an update) with suppress duration = the aggregation's grace (until window closes), or
/// the key's first held record timestamp with duration = the time limit. Emitted records keep their timestamp.</item>
/// <item>Absence: a held value is explicit (flags); nothing is invented for a key never seen.</item>
/// </list>
/// Timeline (tumbling 10, grace 2): a@1 → held [0,10) · a@5 held · b@11 (stream 11 &lt; 10 + 2) nothing ·
/// c@12 (12 - 2 = 10 &gt;= 10) → [0,10)=2 emitted. Pinned by SuppressTests.UntilWindowCloses_EmitsOnlyTheFinalCount_WhenStreamTimePassesEndPlusGrace.
/// </summary>
internal sealed class SuppressProcessor<TKey, TValue>(
    string name, string storeName, Serde<TKey> keySerde, Func<TKey, long>? windowClosesAt, long suppressDurationMs, BufferConfig bufferConfig)
    : ProcessorNode<TKey, Change<TValue>, TKey, Change<TValue>>(name)
{
    private TimeOrderedBuffer<TKey, TValue> _buffer = null!;
    private long _streamTime = long.MinValue;

    private bool FinalResults => windowClosesAt is not null;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _buffer = new TimeOrderedBuffer<TKey, TValue>(context.GetStore<IKeyValueStore<byte[], BufferEntry<TKey, TValue>>>(storeName), keySerde);
    }

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        if (DropsNullKey(record.Key)) return;
        if (record.Timestamp > _streamTime) _streamTime = record.Timestamp;
        long bufferTime = windowClosesAt is not null ? windowClosesAt(record.Key) : record.Timestamp;
        _buffer.Put(record.Key, bufferTime, record.Value, record.Timestamp, record.Headers);

        foreach (var e in _buffer.EvictUpTo(_streamTime - suppressDurationMs)) Emit(e);
        if (bufferConfig.MaxRecords is { } max)
        {
            while (_buffer.Count > max)
            {
                if (bufferConfig.IsStrict)
                {
                    throw new StreamsException(
                        $"Suppression buffer of '{Name}' exceeded its bound of {max} keys; raise the bound or use BufferConfig.Unbounded().");
                }
                Emit(_buffer.EvictOldest());
            }
        }
    }

    /// <summary>An entry leaves with the timestamp and headers of the last update it holds, as Kafka's buffer keeps its record context.</summary>
    private void Emit(BufferEntry<TKey, TValue> e)
    {
        // A final result that is a tombstone is a window that disappeared before closing: nothing to report.
        if (FinalResults && !e.HasValue) return;
        Forward(new Record<TKey, Change<TValue>>(e.Key, new Change<TValue>(e.Value, e.HasValue, e.Prior, e.HasPrior), e.Timestamp, e.Headers));
    }
}
