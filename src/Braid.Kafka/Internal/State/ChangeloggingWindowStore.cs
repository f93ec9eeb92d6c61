using System.Buffers.Binary;
using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Internal.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

/// <summary>
/// A window store whose writes go to its changelog keyed as Kafka Streams' windowed keys: key bytes,
/// 8-byte big-endian timestamp, and a 4-byte sequence number when duplicates are retained (so
/// compaction keeps every duplicate). The topic is compact+delete with the store's retention.
/// </summary>
internal sealed class ChangeloggingWindowStore<TKey, TValue>(IWindowStore<TKey, TValue> inner, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    bool retainDuplicates, ChangelogTarget target) : IWindowStore<TKey, TValue>, IRestorableStore
{
    private int _seq;

    public string Name => inner.Name;

    public bool IsPersistent => inner.IsPersistent;

    public string ChangelogTopic => target.Topic;

    public long ObservedStreamTime => inner.ObservedStreamTime;

    public long RetentionMs => inner.RetentionMs;

    public bool Put(TKey key, TValue value, long timestamp)
    {
        bool stored = inner.Put(key, value, timestamp);
        if (stored)
        {
            var k = keySerde.Serialize(key);
            var windowed = new byte[k.Length + 8 + (retainDuplicates ? 4 : 0)];
            k.CopyTo(windowed, 0);
            BinaryPrimitives.WriteInt64BigEndian(windowed.AsSpan(k.Length), timestamp);
            if (retainDuplicates) BinaryPrimitives.WriteInt32BigEndian(windowed.AsSpan(k.Length + 8), unchecked(++_seq));
            target.Send(windowed, value is null ? null : valueSerde.Serialize(value), timestamp);
        }
        return stored;
    }

    public void Restore(byte[] key, byte[]? value, long timestamp)
    {
        if (value is null) return; // window stores only expire; a null is never written
        int keyLength = key.Length - 8 - (retainDuplicates ? 4 : 0);
        long ts = BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(keyLength));
        inner.Put(keySerde.Deserialize(key.AsSpan(0, keyLength)), valueSerde.Deserialize(value), ts);
    }

    public IEnumerable<TimestampedValue<TValue>> Fetch(TKey key, long timeFrom, long timeTo) => inner.Fetch(key, timeFrom, timeTo);

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results) => inner.Fetch(key, timeFrom, timeTo, results);

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();
}
