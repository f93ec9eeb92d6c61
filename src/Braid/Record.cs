namespace Braid;

/// <summary>
/// One record flowing through a topology: key, value, event timestamp (milliseconds since the Unix
/// epoch) and headers. A <see langword="null"/> value on a table input is a tombstone (delete).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Key">The record key; may be null (KIP-962 rules decide what joins do with it).</param>
/// <param name="Value">The record value; null is a tombstone for tables and a "null-value record" for streams.</param>
/// <param name="Timestamp">Event time in milliseconds.</param>
/// <param name="Headers">Optional headers; null when the record has none.</param>
public readonly record struct Record<TKey, TValue>(TKey? Key, TValue? Value, long Timestamp, Headers? Headers = null)
{
    /// <summary>Returns a copy with another value (and possibly another value type).</summary>
    /// <param name="value">The new value.</param>
    /// <typeparam name="TNewValue">The new value type.</typeparam>
    /// <returns>The new record.</returns>
    public Record<TKey, TNewValue> WithValue<TNewValue>(TNewValue? value) => new(Key, value, Timestamp, Headers);

    /// <summary>Returns a copy with another key (and possibly another key type).</summary>
    /// <param name="key">The new key.</param>
    /// <typeparam name="TNewKey">The new key type.</typeparam>
    /// <returns>The new record.</returns>
    public Record<TNewKey, TValue> WithKey<TNewKey>(TNewKey? key) => new(key, Value, Timestamp, Headers);

    /// <summary>Returns a copy with another timestamp.</summary>
    /// <param name="timestamp">The new timestamp in milliseconds.</param>
    /// <returns>The new record.</returns>
    public Record<TKey, TValue> WithTimestamp(long timestamp) => new(Key, Value, timestamp, Headers);
}

/// <summary>A key and a value, as read from a store or an output topic.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value (null for a tombstone read from a topic).</param>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public readonly record struct KeyValue<TKey, TValue>(TKey Key, TValue Value);

/// <summary>Factory helpers for <see cref="KeyValue{TKey,TValue}"/>.</summary>
public static class KeyValue
{
    /// <summary>Creates a key–value pair.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <returns>The pair.</returns>
    public static KeyValue<TKey, TValue> Pair<TKey, TValue>(TKey key, TValue value) => new(key, value);
}
