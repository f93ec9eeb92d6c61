namespace Braid.State;

/// <summary>
/// One version of a key in a versioned store: its value, the timestamp from which it is valid, and the
/// timestamp at which the next version replaced it (null while it is the latest).
/// </summary>
/// <param name="Value">The value.</param>
/// <param name="ValidFrom">The timestamp of the record that wrote this version (inclusive).</param>
/// <param name="ValidTo">The timestamp of the next version (exclusive), or null when this is the latest version.</param>
/// <typeparam name="TValue">The value type.</typeparam>
public readonly record struct VersionedRecord<TValue>(TValue Value, long ValidFrom, long? ValidTo);

/// <summary>What a put into a versioned store did.</summary>
public enum VersionedPutResult
{
    /// <summary>The record is now the latest version of its key (its timestamp is not older than the latest one).</summary>
    Latest,

    /// <summary>The record is older than the latest version: it was put into the key's history, where it belongs by timestamp.</summary>
    History,

    /// <summary>The record is older than the store's observed stream time minus its history retention, and was dropped.</summary>
    NotPut,
}

/// <summary>
/// A key–value store that keeps every version of a key for a history retention period (KIP-914), so a
/// lookup can ask for the value that was valid at a past timestamp. Versions are ordered by timestamp,
/// not by arrival: an out-of-order put lands in history where it belongs. A tombstone (a null value,
/// or <see cref="Delete"/>) is a version too: the key reads as absent from its timestamp on.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public interface IVersionedKeyValueStore<TKey, TValue> : IStateStore, IReadOnlyVersionedStore<TKey, TValue>
{
    /// <summary>How far behind the observed stream time (the largest timestamp put so far) history stays readable and writable.</summary>
    TimeSpan HistoryRetention { get; }

    /// <summary>
    /// Adds a version of a key valid from <paramref name="timestamp"/>. A version with the same key and
    /// timestamp is replaced. Records older than observed stream time minus history retention are dropped.
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="value">The value; null is a tombstone (value types: use <see cref="Delete"/>).</param>
    /// <param name="timestamp">The timestamp from which the value is valid.</param>
    /// <returns>Whether it became the latest version, went into history, or was dropped as too old.</returns>
    VersionedPutResult Put(TKey key, TValue? value, long timestamp);

    /// <summary>
    /// Puts a tombstone at <paramref name="timestamp"/> and returns the version it ended, like a lookup as
    /// of <paramref name="timestamp"/> followed by a tombstone put. Too old (beyond history retention): nothing happens.
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="timestamp">The timestamp of the delete.</param>
    /// <param name="deleted">The version that was valid at <paramref name="timestamp"/>, when there was one.</param>
    /// <returns>True when a value was valid at <paramref name="timestamp"/>.</returns>
    bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted);
}
