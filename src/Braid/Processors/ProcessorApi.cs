using Braid.State;

namespace Braid.Processors;

/// <summary>Which clock drives a punctuation.</summary>
public enum PunctuationType
{
    /// <summary>Event time: fires as the task's stream time (max record timestamp seen) advances.</summary>
    StreamTime,

    /// <summary>Wall-clock time: fires as the host's clock advances (the driver's is advanced by hand).</summary>
    WallClockTime,
}

/// <summary>A handle to cancel a scheduled punctuation.</summary>
public interface ICancellable
{
    /// <summary>Cancels the schedule; the punctuator is not called again.</summary>
    void Cancel();
}

/// <summary>Identifies a task: a sub-topology and a partition.</summary>
/// <param name="Subtopology">The sub-topology number.</param>
/// <param name="Partition">The partition number.</param>
public readonly record struct TaskId(int Subtopology, int Partition)
{
    /// <inheritdoc />
    public override string ToString() => $"{Subtopology}_{Partition}";
}

/// <summary>Where the record being processed came from.</summary>
/// <param name="Topic">The source topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset within the partition.</param>
public sealed record RecordMetadata(string Topic, int Partition, long Offset);

/// <summary>What every processor can see and do, whatever its output types.</summary>
public interface IProcessorContext
{
    /// <summary>The application id.</summary>
    string ApplicationId { get; }

    /// <summary>The task running this processor.</summary>
    TaskId TaskId { get; }

    /// <summary>The task's stream time: the largest record timestamp seen so far (long.MinValue before any).</summary>
    long CurrentStreamTimeMs { get; }

    /// <summary>The host's wall-clock time in milliseconds.</summary>
    long CurrentSystemTimeMs { get; }

    /// <summary>Metadata of the input record being processed; null inside a punctuation.</summary>
    RecordMetadata? RecordMetadata { get; }

    /// <summary>A store connected to this processor (or a global store).</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TStore">The store interface, e.g. <see cref="IKeyValueStore{TKey,TValue}"/>.</typeparam>
    /// <returns>The store.</returns>
    TStore GetStateStore<TStore>(string name) where TStore : IStateStore;

    /// <summary>Schedules a periodic callback, as Kafka's <c>ProcessorContext.schedule</c>.</summary>
    /// <param name="interval">The interval (at least 1 ms).</param>
    /// <param name="type">Stream time or wall-clock time.</param>
    /// <param name="punctuator">Called with the current time of that clock.</param>
    /// <returns>A handle to cancel the schedule.</returns>
    ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator);
}

/// <summary>The context of a processor that emits records of types <typeparamref name="TKey"/>/<typeparamref name="TValue"/>.</summary>
/// <typeparam name="TKey">Output key type.</typeparam>
/// <typeparam name="TValue">Output value type.</typeparam>
public interface IProcessorContext<TKey, TValue> : IProcessorContext
{
    /// <summary>Sends a record to every child.</summary>
    /// <param name="record">The record.</param>
    void Forward(Record<TKey, TValue> record);

    /// <summary>Sends a record to one named child.</summary>
    /// <param name="record">The record.</param>
    /// <param name="childName">The child processor's name.</param>
    void Forward(Record<TKey, TValue> record, string childName);
}

/// <summary>A user processor, as Kafka's <c>Processor</c>: may change key and value, use stores and punctuate.</summary>
/// <typeparam name="TKeyIn">Input key type.</typeparam>
/// <typeparam name="TValueIn">Input value type.</typeparam>
/// <typeparam name="TKeyOut">Output key type.</typeparam>
/// <typeparam name="TValueOut">Output value type.</typeparam>
public interface IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>
{
    /// <summary>Called once before any record, with the context to keep.</summary>
    /// <param name="context">The context.</param>
    void Init(IProcessorContext<TKeyOut, TValueOut> context) { }

    /// <summary>Processes one record.</summary>
    /// <param name="record">The record.</param>
    void Process(Record<TKeyIn, TValueIn> record);

    /// <summary>Called once when the task closes.</summary>
    void Close() { }
}

/// <summary>A record whose key a processor may read but not change (so no repartition is needed).</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public readonly struct FixedKeyRecord<TKey, TValue>
{
    internal FixedKeyRecord(TKey? key, TValue? value, long timestamp, Headers? headers)
    {
        Key = key;
        Value = value;
        Timestamp = timestamp;
        Headers = headers;
    }

    /// <summary>The key (read-only).</summary>
    public TKey? Key { get; }

    /// <summary>The value.</summary>
    public TValue? Value { get; }

    /// <summary>The timestamp in milliseconds.</summary>
    public long Timestamp { get; }

    /// <summary>The headers, if any.</summary>
    public Headers? Headers { get; }

    /// <summary>A copy with another value.</summary>
    /// <param name="value">The value.</param>
    /// <typeparam name="TNewValue">The new value type.</typeparam>
    /// <returns>The record.</returns>
    public FixedKeyRecord<TKey, TNewValue> WithValue<TNewValue>(TNewValue? value) => new(Key, value, Timestamp, Headers);

    /// <summary>A copy with another timestamp.</summary>
    /// <param name="timestamp">The timestamp.</param>
    /// <returns>The record.</returns>
    public FixedKeyRecord<TKey, TValue> WithTimestamp(long timestamp) => new(Key, Value, timestamp, Headers);

    /// <summary>A copy with other headers.</summary>
    /// <param name="headers">The headers.</param>
    /// <returns>The record.</returns>
    public FixedKeyRecord<TKey, TValue> WithHeaders(Headers? headers) => new(Key, Value, Timestamp, headers);
}

/// <summary>The context of a fixed-key processor.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Output value type.</typeparam>
public interface IFixedKeyProcessorContext<TKey, TValue> : IProcessorContext
{
    /// <summary>Sends a record to every child.</summary>
    /// <param name="record">The record.</param>
    void Forward(FixedKeyRecord<TKey, TValue> record);
}

/// <summary>A processor that may change values but never keys (Kafka's <c>FixedKeyProcessor</c>).</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValueIn">Input value type.</typeparam>
/// <typeparam name="TValueOut">Output value type.</typeparam>
public interface IFixedKeyProcessor<TKey, TValueIn, TValueOut>
{
    /// <summary>Called once before any record.</summary>
    /// <param name="context">The context.</param>
    void Init(IFixedKeyProcessorContext<TKey, TValueOut> context) { }

    /// <summary>Processes one record.</summary>
    /// <param name="record">The record.</param>
    void Process(FixedKeyRecord<TKey, TValueIn> record);

    /// <summary>Called once when the task closes.</summary>
    void Close() { }
}
