using Braid.Serialization;
using Braid.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

namespace Braid.Internal.State.Logging;

/// <summary>
/// A versioned store whose writes are logged with the version's timestamp as the change's timestamp, so a restore
/// replays the full history (Kafka's ChangeLoggingVersionedKeyValueBytesStore; the changelog is compacted only
/// after the history retention). A delete logs a tombstone at its timestamp; restoring it puts a tombstone version.
/// <para>Crash safety: as <see cref="ChangeLoggingKeyValueStore{TKey,TValue}"/> — nothing here is durable before the
/// host's commit; a put of a version at a timestamp replaces that version, so replaying a change twice is harmless.</para>
/// </summary>
internal sealed class ChangeLoggingVersionedStore<TKey, TValue>(IVersionedKeyValueStore<TKey, TValue> inner, Serde<TKey> keySerde,
    Serde<TValue> valueSerde, IChangeSink sink)
    : ChangeLoggingStore<IVersionedKeyValueStore<TKey, TValue>>(inner), IVersionedKeyValueStore<TKey, TValue>
{
    public TimeSpan HistoryRetention => Inner.HistoryRetention;

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp)
    {
        var result = Inner.Put(key, value, timestamp);
        // A version older than the history retention is not stored: nothing to log.
        if (result != VersionedPutResult.NotPut) sink.Log(keySerde.Serialize(key), value is null ? null : valueSerde.Serialize(value), timestamp);
        return result;
    }

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted)
    {
        bool found = Inner.Delete(key, timestamp, out deleted);
        sink.Log(keySerde.Serialize(key), null, timestamp);
        return found;
    }

    public override void Restore(byte[] key, byte[]? value, long timestamp) =>
        Inner.Put(keySerde.Deserialize(key), value is null ? default : valueSerde.Deserialize(value), timestamp);

    public bool TryGet(TKey key, out VersionedRecord<TValue> record) => Inner.TryGet(key, out record);

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record) => Inner.TryGet(key, asOfTimestamp, out record);
}
