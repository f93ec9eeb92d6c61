using Braid.Serialization;
using Braid.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

namespace Braid.Internal.State.Logging;

/// <summary>
/// A key–value store whose every write is also logged (compacted changelog: the last value per key wins), as
/// Kafka's ChangeLoggingKeyValueBytesStore: write the inner store, then log the key and value bytes with the
/// timestamp of the record being processed; a delete logs a tombstone.
/// <para>Crash safety of every write below: neither the inner write nor the logged change is durable until the
/// host's commit makes both durable together with the input offsets (a RocksDB batch, a journal frame, or a Kafka
/// transaction). A crash between the two, or after both, loses both, and the task reprocesses the same records from
/// the committed offsets. Under at-least-once a logged change may outlive the crash; a put or delete of the same
/// key is idempotent, so restoring it and then reprocessing gives the same store.</para>
/// </summary>
internal sealed class ChangeLoggingKeyValueStore<TKey, TValue>(IKeyValueStore<TKey, TValue> inner, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    IChangeSink sink)
    : ChangeLoggingStore<IKeyValueStore<TKey, TValue>>(inner), IKeyValueStore<TKey, TValue>, IPrefixScanInto<TKey, TValue>
{
    public long ApproximateCount => Inner.ApproximateCount;

    public void Put(TKey key, TValue value)
    {
        Inner.Put(key, value);
        sink.Log(keySerde.Serialize(key), value is null ? null : valueSerde.Serialize(value), sink.CurrentTimestamp);
    }

    public bool Delete(TKey key)
    {
        bool existed = Inner.Delete(key);
        sink.Log(keySerde.Serialize(key), null, sink.CurrentTimestamp);
        return existed;
    }

    public override void Restore(byte[] key, byte[]? value, long timestamp)
    {
        var k = keySerde.Deserialize(key);
        if (value is null) Inner.Delete(k);
        else Inner.Put(k, valueSerde.Deserialize(value));
    }

    public bool TryGet(TKey key, out TValue value) => Inner.TryGet(key, out value);

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to) => Inner.Range(from, to);

    public IEnumerable<KeyValue<TKey, TValue>> All() => Inner.All();

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde) => Inner.PrefixScan(prefix, prefixSerde);

    public void PrefixScanInto(byte[] prefix, List<KeyValue<TKey, TValue>> output) => IPrefixScanInto<TKey, TValue>.ScanInto(Inner, prefix, output);
}
