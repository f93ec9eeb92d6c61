using Braid.State;

namespace Braid.Embedded;

/// <summary>Interactive-query view of a versioned store: the latest value, or the value as of a time.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public interface IReadOnlyVersionedStore<TKey, TValue>
{
    /// <summary>The latest version of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="record">The version found.</param>
    /// <returns>True when the key has a current value.</returns>
    bool TryGet(TKey key, out VersionedRecord<TValue> record);

    /// <summary>The version of a key that was valid at <paramref name="asOfTimestamp"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="asOfTimestamp">The time (ms).</param>
    /// <param name="record">The version found.</param>
    /// <returns>True when a version was valid then (and is still inside the history retention).</returns>
    bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record);
}
