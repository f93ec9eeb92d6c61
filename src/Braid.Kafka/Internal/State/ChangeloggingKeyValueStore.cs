using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Internal.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

/// <summary>A key–value store whose every write is also sent to its changelog (compacted: the last value per key wins).</summary>
internal sealed class ChangeloggingKeyValueStore<TKey, TValue>(IKeyValueStore<TKey, TValue> inner, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    ChangelogTarget target) : IKeyValueStore<TKey, TValue>, IRestorableStore
{
    public string Name => inner.Name;

    public bool IsPersistent => inner.IsPersistent;

    public string ChangelogTopic => target.Topic;

    public long ApproximateCount => inner.ApproximateCount;

    public void Put(TKey key, TValue value)
    {
        inner.Put(key, value);
        target.Send(keySerde.Serialize(key), value is null ? null : valueSerde.Serialize(value));
    }

    public bool Delete(TKey key)
    {
        bool existed = inner.Delete(key);
        target.Send(keySerde.Serialize(key), null);
        return existed;
    }

    public void Restore(byte[] key, byte[]? value, long timestamp)
    {
        var k = keySerde.Deserialize(key);
        if (value is null) inner.Delete(k);
        else inner.Put(k, valueSerde.Deserialize(value));
    }

    public bool TryGet(TKey key, out TValue value) => inner.TryGet(key, out value);

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to) => inner.Range(from, to);

    public IEnumerable<KeyValue<TKey, TValue>> All() => inner.All();

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde) => inner.PrefixScan(prefix, prefixSerde);

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();
}
