using Braid.Serialization;

namespace Braid.Internal.Windowed;

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
        LengthPrefixed.Write(w, keySerde.Serialize(e.Key));
        if (e.HasValue) LengthPrefixed.Write(w, valueSerde.Serialize(e.Value!));
        if (e.HasPrior) LengthPrefixed.Write(w, valueSerde.Serialize(e.Prior!));
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
        var key = keySerde.Deserialize(LengthPrefixed.Read(r));
        bool hasValue = (flags & 1) != 0, hasPrior = (flags & 2) != 0;
        TValue? value = hasValue ? valueSerde.Deserialize(LengthPrefixed.Read(r)) : default;
        TValue? prior = hasPrior ? valueSerde.Deserialize(LengthPrefixed.Read(r)) : default;
        var headers = (flags & 4) != 0 ? HeadersCodec.Read(r) : null;
        return new BufferEntry<TKey, TValue>(key, value, hasValue, prior, hasPrior, timestamp, bufferTime, headers);
    }
}
