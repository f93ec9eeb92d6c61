using System.Buffers.Binary;
using Braid.Internal.Joins;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>
/// One held update: the latest change of a key (with its record's timestamp and headers), the value before
/// the first held update (prior), and when it may leave.
/// </summary>
internal sealed record BufferEntry<TKey, TValue>(TKey Key, TValue? Value, bool HasValue, TValue? Prior, bool HasPrior, long Timestamp, long BufferTime,
    Headers? Headers = null);

/// <summary>
/// Kafka's time-ordered suppression buffer over a key–value store, so a host can persist and restore it.
/// Store keys are buffer time (sign-flipped big-endian) + serialized key, so the store's byte order is
/// the eviction order: buffer time, then key bytes. A key keeps the buffer time of its first held update
/// (a time limit counts from the first update; a window end never changes), so an in-memory index from
/// key bytes to store key, rebuilt from the store on start, finds the entry to replace.
/// </summary>
internal sealed class TimeOrderedBuffer<TKey, TValue>(IKeyValueStore<byte[], BufferEntry<TKey, TValue>> store, Serde<TKey> keySerde)
{
    private readonly Dictionary<byte[], byte[]> _index = Rebuild(store);

    public int Count => _index.Count;

    public void Put(TKey key, long bufferTime, in Change<TValue> change, long timestamp, Headers? headers = null)
    {
        var keyBytes = keySerde.Serialize(key);
        if (_index.TryGetValue(keyBytes, out var storeKey) && store.TryGet(storeKey, out var held))
        {
            store.Put(storeKey, held with { Value = change.New, HasValue = change.HasNew, Timestamp = timestamp, Headers = headers });
            return;
        }
        storeKey = StoreKey(bufferTime, keyBytes);
        store.Put(storeKey, new BufferEntry<TKey, TValue>(key, change.New, change.HasNew, change.Old, change.HasOld, timestamp, bufferTime, headers));
        _index[keyBytes] = storeKey;
    }

    public void Remove(TKey key)
    {
        var keyBytes = keySerde.Serialize(key);
        if (_index.Remove(keyBytes, out var storeKey)) store.Delete(storeKey);
    }

    /// <summary>Removes and returns, in eviction order, every entry whose buffer time is at most <paramref name="maxBufferTime"/>.</summary>
    public List<BufferEntry<TKey, TValue>> EvictUpTo(long maxBufferTime)
    {
        var evicted = new List<BufferEntry<TKey, TValue>>();
        if (_index.Count == 0) return evicted;
        var entries = maxBufferTime == long.MaxValue ? store.All() : store.Range(GraceBufferKeys.Meta, GraceBufferKeys.TimePrefix(maxBufferTime + 1));
        foreach (var kv in entries)
        {
            if (kv.Value.BufferTime > maxBufferTime) break;
            evicted.Add(kv.Value);
        }
        foreach (var e in evicted) Remove(e.Key);
        return evicted;
    }

    /// <summary>Removes and returns the entry that would leave first.</summary>
    public BufferEntry<TKey, TValue> EvictOldest()
    {
        foreach (var kv in store.All())
        {
            Remove(kv.Value.Key);
            return kv.Value;
        }
        throw new InvalidOperationException("the suppression buffer is empty.");
    }

    private static byte[] StoreKey(long bufferTime, byte[] keyBytes)
    {
        var b = new byte[8 + keyBytes.Length];
        BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)(bufferTime ^ long.MinValue));
        keyBytes.CopyTo(b, 8);
        return b;
    }

    private static Dictionary<byte[], byte[]> Rebuild(IKeyValueStore<byte[], BufferEntry<TKey, TValue>> store)
    {
        var index = new Dictionary<byte[], byte[]>(Braid.Internal.State.ByteArrayComparer.Instance);
        foreach (var kv in store.All()) index[kv.Key[8..]] = kv.Key;
        return index;
    }
}

/// <summary>
/// Persists buffer entries: buffer time, timestamp (8 bytes each), presence flags (1), then length-prefixed
/// key, value and prior bytes, then the headers (count, and per header a name and optional bytes).
/// </summary>
internal sealed class BufferEntrySerde<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde) : Serde<BufferEntry<TKey, TValue>>
{
    public override string Name => $"BufferEntry<{keySerde.Name},{valueSerde.Name}>";

    public override byte[] Serialize(BufferEntry<TKey, TValue> e)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(e.BufferTime);
        w.Write(e.Timestamp);
        w.Write((byte)((e.HasValue ? 1 : 0) | (e.HasPrior ? 2 : 0) | (e.Headers is null ? 0 : 4)));
        Write(w, keySerde.Serialize(e.Key));
        if (e.HasValue) Write(w, valueSerde.Serialize(e.Value!));
        if (e.HasPrior) Write(w, valueSerde.Serialize(e.Prior!));
        if (e.Headers is not null) HeadersCodec.Write(w, e.Headers);
        w.Flush();
        return ms.ToArray();
    }

    public override BufferEntry<TKey, TValue> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 17) throw new SerializationException($"A suppression buffer entry needs at least 17 bytes, got {data.Length}.");
        using var r = new BinaryReader(new MemoryStream(data.ToArray()));
        long bufferTime = r.ReadInt64();
        long timestamp = r.ReadInt64();
        byte flags = r.ReadByte();
        var key = keySerde.Deserialize(Read(r));
        bool hasValue = (flags & 1) != 0, hasPrior = (flags & 2) != 0;
        TValue? value = hasValue ? valueSerde.Deserialize(Read(r)) : default;
        TValue? prior = hasPrior ? valueSerde.Deserialize(Read(r)) : default;
        var headers = (flags & 4) != 0 ? HeadersCodec.Read(r) : null;
        return new BufferEntry<TKey, TValue>(key, value, hasValue, prior, hasPrior, timestamp, bufferTime, headers);
    }

    private static void Write(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static byte[] Read(BinaryReader r) => r.ReadBytes(r.ReadInt32());
}
