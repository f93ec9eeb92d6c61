using Braid.Serialization;

namespace Braid.Internal.Joins;

/// <summary>
/// Serializes grace buffer entries for persistent hosts: timestamp (8), presence flags (1), then length-prefixed
/// key and value bytes, then the headers (<see cref="HeadersCodec"/>).
/// </summary>
internal sealed class GraceBufferEntrySerde<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde) : Serde<GraceBufferEntry<TKey, TValue>>
{
    public override string Name => $"GraceBufferEntry<{keySerde.Name},{valueSerde.Name}>";

    public override byte[] Serialize(GraceBufferEntry<TKey, TValue> entry)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(entry.Timestamp);
        w.Write((byte)((entry.Key is null ? 0 : 1) | (entry.Value is null ? 0 : 2) | (entry.Headers is null ? 0 : 4)));
        if (entry.Key is not null) LengthPrefixed.Write(w, keySerde.Serialize(entry.Key));
        if (entry.Value is not null) LengthPrefixed.Write(w, valueSerde.Serialize(entry.Value));
        if (entry.Headers is not null) HeadersCodec.Write(w, entry.Headers);
        w.Flush();
        return ms.ToArray();
    }

    public override GraceBufferEntry<TKey, TValue> Deserialize(ReadOnlySpan<byte> data)
    {
        using var r = new BinaryReader(new MemoryStream(data.ToArray()));
        long ts = r.ReadInt64();
        byte flags = r.ReadByte();
        var key = (flags & 1) != 0 ? keySerde.Deserialize(LengthPrefixed.Read(r)) : default;
        var value = (flags & 2) != 0 ? valueSerde.Deserialize(LengthPrefixed.Read(r)) : default;
        var headers = (flags & 4) != 0 ? HeadersCodec.Read(r) : null;
        return new GraceBufferEntry<TKey, TValue>(key, value, ts, headers);
    }
}
