namespace Braid.Internal.State;

/// <summary>
/// A key–value store that can delete a key its caller knows it holds (committed or pending) without reading it first.
/// <see cref="Braid.State.IKeyValueStore{TKey,TValue}.Delete"/> returns whether the key existed, which on a persistent
/// store not caching the key costs a read of its committed value (and its deserialization) only to throw it away. Kafka's
/// stores have the blind form too: <c>KeyValueStore.put(key, null)</c> writes a tombstone without a read, where
/// <c>delete(key)</c> reads the old value to return it (<c>RocksDBStore.delete</c>). Stores without it (the in-memory
/// store, the change-logging decorator) take <c>Delete</c>.
/// </summary>
internal interface IDeleteKnown<TKey>
{
    /// <summary>
    /// Deletes <paramref name="key"/>, which the caller knows present (it read the key from this store, or wrote it, and
    /// no delete since); a key absent after all is deleted as <c>Delete</c> would (nothing changes but, at most, a
    /// tombstone written for it).
    /// </summary>
    void DeleteKnown(TKey key);
}
