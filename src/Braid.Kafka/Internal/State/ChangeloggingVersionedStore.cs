using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Internal.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

/// <summary>
/// A versioned store whose writes go to its changelog with the version's timestamp as the record
/// timestamp, so a restore replays the full history (the changelog is compacted only after the history retention).
/// </summary>
internal sealed class ChangeloggingVersionedStore<TKey, TValue>(IVersionedKeyValueStore<TKey, TValue> inner, Serde<TKey> keySerde,
    Serde<TValue> valueSerde, ChangelogTarget target) : IVersionedKeyValueStore<TKey, TValue>, IRestorableStore
{
    public string Name => inner.Name;

    public bool IsPersistent => inner.IsPersistent;

    public string ChangelogTopic => target.Topic;

    public TimeSpan HistoryRetention => inner.HistoryRetention;

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp)
    {
        var result = inner.Put(key, value, timestamp);
        if (result != VersionedPutResult.NotPut)
            target.Send(keySerde.Serialize(key), value is null ? null : valueSerde.Serialize(value), timestamp);
        return result;
    }

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted)
    {
        bool found = inner.Delete(key, timestamp, out deleted);
        target.Send(keySerde.Serialize(key), null, timestamp);
        return found;
    }

    public void Restore(byte[] key, byte[]? value, long timestamp) =>
        inner.Put(keySerde.Deserialize(key), value is null ? default : valueSerde.Deserialize(value), timestamp);

    public bool TryGet(TKey key, out VersionedRecord<TValue> record) => inner.TryGet(key, out record);

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record) => inner.TryGet(key, asOfTimestamp, out record);

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();
}
