namespace Braid.State;

/// <summary>A value stored in a window store, with the timestamp it was stored under.</summary>
/// <param name="Timestamp">The record timestamp in milliseconds.</param>
/// <param name="Value">The value.</param>
/// <typeparam name="TValue">The value type.</typeparam>
public readonly record struct TimestampedValue<TValue>(long Timestamp, TValue Value);

/// <summary>Read access to a window store: values per key, looked up by a time range.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public interface IReadOnlyWindowStore<TKey, TValue>
{
    /// <summary>
    /// The values of <paramref name="key"/> with timestamps from <paramref name="timeFrom"/> to <paramref name="timeTo"/>
    /// (both inclusive), in timestamp order; values with equal timestamps come in the order they were put.
    /// Values that fell out of retention are never returned, even before their segment is dropped.
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="timeFrom">The lowest timestamp.</param>
    /// <param name="timeTo">The highest timestamp.</param>
    /// <returns>A snapshot taken when the call is made; the caller may write to the store while enumerating it.</returns>
    IEnumerable<TimestampedValue<TValue>> Fetch(TKey key, long timeFrom, long timeTo)
    {
        var results = new List<TimestampedValue<TValue>>();
        Fetch(key, timeFrom, timeTo, results);
        return results;
    }

    /// <summary>
    /// As <see cref="Fetch(TKey,long,long)"/>, but appends to a list the caller owns (and reuses), so a
    /// lookup per record allocates nothing.
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="timeFrom">The lowest timestamp.</param>
    /// <param name="timeTo">The highest timestamp.</param>
    /// <param name="results">Receives the values, appended in timestamp order.</param>
    /// <returns>How many values were appended.</returns>
    int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results);
}

/// <summary>
/// A window store, as Kafka's: values per key and timestamp, kept for a retention period measured in
/// stream time (the largest timestamp put so far), organized in time segments that are dropped whole
/// once every value in them has expired.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public interface IWindowStore<TKey, TValue> : IStateStore, IReadOnlyWindowStore<TKey, TValue>
{
    /// <summary>
    /// Stores a value under a key and timestamp. With duplicates retained every put adds a value;
    /// otherwise it replaces the value stored under the same key and timestamp.
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="value">The value (not null).</param>
    /// <param name="timestamp">The timestamp in milliseconds.</param>
    /// <returns>False when the timestamp is already out of retention, so nothing was stored.</returns>
    bool Put(TKey key, TValue value, long timestamp);

    /// <summary>The largest timestamp put so far (long.MinValue before the first put).</summary>
    long ObservedStreamTime { get; }

    /// <summary>
    /// How long values are kept, in stream time: a value with timestamp <c>t</c> stays visible while
    /// <c>t &gt;= ObservedStreamTime - RetentionMs</c>.
    /// </summary>
    long RetentionMs { get; }
}
