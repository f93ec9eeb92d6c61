using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Joins;

/// <summary>
/// One entry of the stream–table grace buffer: a held stream record, or (under <see cref="GraceBufferKeys.Meta"/>)
/// the buffer's own time, kept in the store so that a restored buffer resumes with the same time.
/// </summary>
internal sealed record GraceBufferEntry<TKey, TValue>(TKey? Key, TValue? Value, long Timestamp, Headers? Headers);

/// <summary>
/// Keys of the grace buffer store, ordered as Kafka's time-ordered buffer (TimeFirstWindowKeySchema):
/// timestamp (8 bytes, sign-flipped big-endian so byte order is numeric order), serialized record key,
/// arrival sequence (8 bytes). The empty key holds the buffer's metadata and sorts before every record.
/// </summary>
internal static class GraceBufferKeys
{
    public static readonly byte[] Meta = [];

    public static byte[] Record(long timestamp, byte[] key, long sequence)
    {
        var b = new byte[8 + key.Length + 8];
        BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)(timestamp ^ long.MinValue));
        key.CopyTo(b, 8);
        BinaryPrimitives.WriteInt64BigEndian(b.AsSpan(8 + key.Length), sequence);
        return b;
    }

    /// <summary>The 8-byte time prefix: every record key with this timestamp sorts after it.</summary>
    public static byte[] TimePrefix(long timestamp)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)(timestamp ^ long.MinValue));
        return b;
    }

    public static long Sequence(byte[] recordKey) => BinaryPrimitives.ReadInt64BigEndian(recordKey.AsSpan(recordKey.Length - 8));
}

/// <summary>
/// Serializes buffer entries for persistent hosts: timestamp (8), presence flags (1), then length-prefixed
/// key and value bytes, then the headers (count, and per header a name and optional bytes).
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
        if (entry.Key is not null) WriteBytes(w, keySerde.Serialize(entry.Key));
        if (entry.Value is not null) WriteBytes(w, valueSerde.Serialize(entry.Value));
        if (entry.Headers is not null) HeadersCodec.Write(w, entry.Headers);
        w.Flush();
        return ms.ToArray();
    }

    public override GraceBufferEntry<TKey, TValue> Deserialize(ReadOnlySpan<byte> data)
    {
        using var r = new BinaryReader(new MemoryStream(data.ToArray()));
        long ts = r.ReadInt64();
        byte flags = r.ReadByte();
        var key = (flags & 1) != 0 ? keySerde.Deserialize(ReadBytes(r)) : default;
        var value = (flags & 2) != 0 ? valueSerde.Deserialize(ReadBytes(r)) : default;
        var headers = (flags & 4) != 0 ? HeadersCodec.Read(r) : null;
        return new GraceBufferEntry<TKey, TValue>(key, value, ts, headers);
    }

    private static void WriteBytes(BinaryWriter w, byte[] b)
    {
        w.Write(b.Length);
        w.Write(b);
    }

    private static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());
}
