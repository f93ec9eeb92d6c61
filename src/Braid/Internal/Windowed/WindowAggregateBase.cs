using Braid.Internal.Nodes;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>What the DSL hands a windowed aggregation node: its functions, stores, grace and late-record handler.</summary>
/// <param name="StoreName">The window or session store holding the aggregates.</param>
/// <param name="Initializer">The starting aggregate; null for a reduce (the first value is the aggregate).</param>
/// <param name="Aggregator">Adds a value to an aggregate.</param>
/// <param name="First">For a reduce: the aggregate of a single value.</param>
/// <param name="GraceMs">The windows' grace period.</param>
/// <param name="EmitBufferStore">With emit-on-window-close: the store holding aggregates until their window closes; null to emit every update.</param>
/// <param name="WindowedKeySerde">Serializes windowed keys (orders the emit buffer).</param>
/// <param name="LateHandler">Sees every record dropped as late; may be null.</param>
internal sealed record WindowAggregateSpec<TKey, TValue, TAgg>(
    string StoreName, Func<TAgg>? Initializer, Func<TKey, TValue, TAgg, TAgg> Aggregator, Func<TValue, TAgg>? First, long GraceMs,
    string? EmitBufferStore, Serde<Windowed<TKey>> WindowedKeySerde, Action<LateRecord<TKey, TValue>>? LateHandler)
{
    public TAgg Start(TKey key, TValue value) =>
        Initializer is not null ? Aggregator(key, value, Initializer()) : First!(value);
}

/// <summary>
/// What the time, sliding and session aggregations share: the processor's own stream time (Kafka's
/// observedStreamTime: the largest timestamp this node has seen, late records included; null-key and null-value
/// records are dropped first and do not move it, as in Kafka's KStreamSlidingWindowAggregate),
/// the two emit strategies, and the late-record rule (drop, count as <c>expired-window</c>, hand to the handler).
/// With emit-on-window-close, updates go into a <see cref="TimeOrderedBuffer{TKey,TValue}"/> keyed by windowed
/// key with the window end as buffer time, and leave it once the window has closed (in end, then key-byte
/// order, which for fixed-size windows is Kafka's start-then-key order), carrying the aggregate's timestamp.
/// </summary>
internal abstract class WindowAggregateBase<TKey, TValue, TAgg>(string name, WindowAggregateSpec<TKey, TValue, TAgg> spec)
    : ProcessorNode<TKey, TValue, Windowed<TKey>, Change<TAgg>>(name)
{
    private TimeOrderedBuffer<Windowed<TKey>, TAgg>? _emitBuffer;

    protected WindowAggregateSpec<TKey, TValue, TAgg> Spec => spec;

    private System.Runtime.CompilerServices.StrongBox<long> _observed = new(long.MinValue);

    /// <summary>Kept across restarts where the host commits it (<see cref="TaskContext.NodeStreamTime"/>): a record late before a restart stays late after it.</summary>
    protected long ObservedStreamTime => _observed.Value;

    /// <summary>Stream time minus grace: a window whose end is at or before this is closed.</summary>
    protected long CloseTime => ObservedStreamTime - spec.GraceMs;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _observed = context.NodeStreamTime(Name);
        if (spec.EmitBufferStore is not null)
        {
            _emitBuffer = new TimeOrderedBuffer<Windowed<TKey>, TAgg>(
                context.GetStore<IKeyValueStore<byte[], BufferEntry<Windowed<TKey>, TAgg>>>(spec.EmitBufferStore), spec.WindowedKeySerde);
        }
    }

    /// <summary>Checks key and value and advances stream time; false when the record was dropped.</summary>
    protected bool Accept(in Record<TKey, TValue> record)
    {
        if (record.Key is null || record.Value is null)
        {
            Context.RecordDropped(Name, record.Key is null ? "null-key" : "null-value");
            return false;
        }
        if (record.Timestamp > _observed.Value) _observed.Value = record.Timestamp;
        return true;
    }

    protected void DropLate(in Record<TKey, TValue> record)
    {
        Context.RecordDropped(Name, "expired-window");
        spec.LateHandler?.Invoke(new LateRecord<TKey, TValue>(Name, record.Key!, record.Value!, record.Timestamp, ObservedStreamTime, spec.GraceMs));
    }

    protected static void CheckNotNull(TAgg agg, string node, object key)
    {
        if (agg is null) throw new StreamsException($"Aggregator of '{node}' returned null for key '{key}'; aggregates must not be null.");
    }

    /// <summary>An updated aggregate: forwarded now, or held until its window closes.</summary>
    protected void EmitUpdate(in Record<TKey, TValue> record, Windowed<TKey> key, TAgg agg, bool hadOld, TAgg? old, long timestamp)
    {
        if (_emitBuffer is not null)
            _emitBuffer.Put(key, key.Window.End, new Change<TAgg>(agg, true, default, false), timestamp, record.Headers);
        else
            Forward(new Record<Windowed<TKey>, Change<TAgg>>(key, new Change<TAgg>(agg, true, old, hadOld), timestamp, record.Headers));
    }

    /// <summary>A session merged into a larger one: a tombstone now, or forgotten from the buffer.</summary>
    protected void EmitRemoval(in Record<TKey, TValue> record, Windowed<TKey> key, TAgg old)
    {
        if (_emitBuffer is not null)
            _emitBuffer.Remove(key);
        else
            Forward(new Record<Windowed<TKey>, Change<TAgg>>(key, new Change<TAgg>(default, false, old, true), key.Window.End, record.Headers));
    }

    /// <summary>
    /// With emit-on-window-close: forwards the final aggregate of every held window ending at or before
    /// <paramref name="maxClosedEnd"/>, with the headers of the last record aggregated into it (Kafka attaches
    /// those of the record that closed the window, an unrelated one; docs/differences.md).
    /// </summary>
    protected void EmitClosed(long maxClosedEnd)
    {
        if (_emitBuffer is null || _emitBuffer.Count == 0) return;
        foreach (var e in _emitBuffer.EvictUpTo(maxClosedEnd))
            Forward(new Record<Windowed<TKey>, Change<TAgg>>(e.Key, new Change<TAgg>(e.Value, true, default, false), e.Timestamp, e.Headers));
    }
}
