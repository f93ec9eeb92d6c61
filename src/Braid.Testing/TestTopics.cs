using Braid.Internal;
using Braid.Serialization;

namespace Braid.Testing;

#pragma warning disable CS8714 // ReadKeyValuesToMap rejects null keys explicitly before using them.

/// <summary>A record read from an output topic.</summary>
/// <param name="Key">The key (null for a null key).</param>
/// <param name="Value">The value (null for a tombstone).</param>
/// <param name="Timestamp">The timestamp in ms.</param>
/// <param name="Headers">The headers, if any.</param>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public readonly record struct TestRecord<TKey, TValue>(TKey? Key, TValue? Value, long Timestamp, Headers? Headers = null);

/// <summary>Pipes records into one input topic of a <see cref="TopologyTestDriver"/>.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class TestInputTopic<TKey, TValue>
{
    private readonly TopologyTestDriver _driver;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;

    internal TestInputTopic(TopologyTestDriver driver, string topic, Serde<TKey> keySerde, Serde<TValue> valueSerde)
    {
        _driver = driver;
        Name = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    /// <summary>The topic name.</summary>
    public string Name { get; }

    /// <summary>The timestamp given to records piped without one; starts at 0.</summary>
    public long CurrentTime { get; private set; }

    /// <summary>How much <see cref="CurrentTime"/> advances after each record piped without a timestamp.</summary>
    public TimeSpan AutoAdvance { get; set; } = TimeSpan.Zero;

    /// <summary>Pipes one record with an explicit timestamp, and processes it (and anything it causes) before returning.</summary>
    /// <param name="key">The key (null allowed).</param>
    /// <param name="value">The value (null = tombstone / null-value record).</param>
    /// <param name="timestamp">Event time in ms.</param>
    /// <param name="headers">Optional headers.</param>
    public void PipeInput(TKey? key, TValue? value, long timestamp, Headers? headers = null)
    {
        if (headers is null && (_keySerde.WritesHeaders || _valueSerde.WritesHeaders)) headers = new Headers();
        var k = key is null ? null : _keySerde.Serialize(key, new SerdeContext(Name, SerdeTarget.Key, headers));
        var v = value is null ? null : _valueSerde.Serialize(value, new SerdeContext(Name, SerdeTarget.Value, headers));
        _driver.Pipe(Name, k, v, timestamp, headers);
    }

    /// <summary>Pipes one record stamped with <see cref="CurrentTime"/>, then advances it by <see cref="AutoAdvance"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void PipeInput(TKey? key, TValue? value)
    {
        PipeInput(key, value, CurrentTime);
        CurrentTime += (long)AutoAdvance.TotalMilliseconds;
    }

    /// <summary>Pipes raw bytes (to test deserialization failures and handlers).</summary>
    /// <param name="key">Raw key bytes.</param>
    /// <param name="value">Raw value bytes.</param>
    /// <param name="timestamp">Event time in ms.</param>
    public void PipeRawInput(byte[]? key, byte[]? value, long timestamp) => _driver.Pipe(Name, key, value, timestamp, null);

    /// <summary>Moves <see cref="CurrentTime"/> forward.</summary>
    /// <param name="advance">How far.</param>
    public void AdvanceTime(TimeSpan advance) => CurrentTime += (long)advance.TotalMilliseconds;
}

/// <summary>Reads, in order, what sinks wrote to one topic of a <see cref="TopologyTestDriver"/>.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class TestOutputTopic<TKey, TValue>
{
    private readonly TopologyTestDriver _driver;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;

    internal TestOutputTopic(TopologyTestDriver driver, string topic, Serde<TKey> keySerde, Serde<TValue> valueSerde)
    {
        _driver = driver;
        Name = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    /// <summary>The topic name.</summary>
    public string Name { get; }

    /// <summary>True when every written record has been read.</summary>
    public bool IsEmpty => _driver.QueueSize(Name) == 0;

    /// <summary>How many written records are still unread.</summary>
    public int QueueSize => _driver.QueueSize(Name);

    /// <summary>Reads the next record; throws when there is none.</summary>
    /// <returns>The record.</returns>
    public TestRecord<TKey, TValue> ReadRecord()
    {
        if (!_driver.TryDequeue(Name, out var r))
            throw new InvalidOperationException($"No more records in output topic '{Name}'.");
        return Decode(r);
    }

    /// <summary>Reads the next key and value.</summary>
    /// <returns>The pair (value null for a tombstone).</returns>
    public KeyValue<TKey?, TValue?> ReadKeyValue()
    {
        var r = ReadRecord();
        return new KeyValue<TKey?, TValue?>(r.Key, r.Value);
    }

    /// <summary>Reads the next value.</summary>
    /// <returns>The value.</returns>
    public TValue? ReadValue() => ReadRecord().Value;

    /// <summary>Reads every unread record.</summary>
    /// <returns>The records in order.</returns>
    public List<TestRecord<TKey, TValue>> ReadRecordsToList()
    {
        var list = new List<TestRecord<TKey, TValue>>();
        while (_driver.TryDequeue(Name, out var r)) list.Add(Decode(r));
        return list;
    }

    /// <summary>Reads every unread record as key–value pairs.</summary>
    /// <returns>The pairs in order.</returns>
    public List<KeyValue<TKey?, TValue?>> ReadKeyValuesToList() =>
        ReadRecordsToList().Select(r => new KeyValue<TKey?, TValue?>(r.Key, r.Value)).ToList();

    /// <summary>Reads every unread value.</summary>
    /// <returns>The values in order.</returns>
    public List<TValue?> ReadValuesToList() => ReadRecordsToList().Select(r => r.Value).ToList();

    /// <summary>Reads every unread record into a map of the latest value per key; a tombstone removes the key.</summary>
    /// <returns>The map.</returns>
    public Dictionary<TKey, TValue> ReadKeyValuesToMap()
    {
        var map = new Dictionary<TKey, TValue>();
        foreach (var r in ReadRecordsToList())
        {
            if (r.Key is null) throw new InvalidOperationException($"Output topic '{Name}' has a record with a null key; it cannot be read into a map.");
            if (r.Value is null) map.Remove(r.Key);
            else map[r.Key] = r.Value;
        }
        return map;
    }

    private TestRecord<TKey, TValue> Decode(RawRecord r) => new(
        r.Key is null ? default : _keySerde.Deserialize(r.Key, new SerdeContext(r.Topic, SerdeTarget.Key, r.Headers)),
        r.Value is null ? default : _valueSerde.Deserialize(r.Value, new SerdeContext(r.Topic, SerdeTarget.Value, r.Headers)),
        r.Timestamp, r.Headers);
}
