namespace Braid.State;

/// <summary>Read access to a versioned store (KIP-914): the latest value of a key, or the value valid at a past time; also its interactive-query view.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public interface IReadOnlyVersionedStore<TKey, TValue>
{
    /// <summary>The latest version of a key; false when the key has none or its latest version is a tombstone.</summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="record">The latest version when found.</param>
    /// <returns>True when the key has a current value.</returns>
    bool TryGet(TKey key, out VersionedRecord<TValue> record);

    /// <summary>
    /// The version valid at <paramref name="asOfTimestamp"/>: the one with the largest timestamp not after it.
    /// False when there is none, when it is a tombstone, or when <paramref name="asOfTimestamp"/> is older than
    /// observed stream time minus history retention (that history has expired).
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="asOfTimestamp">The point in time.</param>
    /// <param name="record">The version valid then, with its validity interval.</param>
    /// <returns>True when the key had a value at that time.</returns>
    bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record);
}
