using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Joins;

internal sealed class NonJoinedKeySerde<TKey>(Serde<TKey> keySerde) : Serde<NonJoinedKey<TKey>>
{
    public override string Name => $"NonJoinedKey<{keySerde.Name}>";

    public override byte[] Serialize(NonJoinedKey<TKey> value)
    {
        var key = keySerde.Serialize(value.Key);
        var bytes = new byte[9 + key.Length];
        // Timestamps are never negative (tasks refuse them), so big-endian bytes sort numerically.
        BinaryPrimitives.WriteInt64BigEndian(bytes, value.Timestamp);
        bytes[8] = value.IsLeft ? (byte)1 : (byte)0;
        key.CopyTo(bytes, 9);
        return bytes;
    }

    /// <summary>Writes into <paramref name="bound"/> (8 bytes) the key bound below which lie exactly the keys with a
    /// timestamp below <paramref name="timestamp"/> (≥ 0): the timestamp's big-endian bytes, a prefix of every key at it.</summary>
    public static void WriteTimeBound(long timestamp, byte[] bound) => BinaryPrimitives.WriteInt64BigEndian(bound, timestamp);

    public override NonJoinedKey<TKey> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 9) throw new SerializationException($"A non-joined key needs at least 9 bytes, got {data.Length}.");
        return new NonJoinedKey<TKey>(BinaryPrimitives.ReadInt64BigEndian(data), data[8] == 1, keySerde.Deserialize(data[9..]));
    }
}
