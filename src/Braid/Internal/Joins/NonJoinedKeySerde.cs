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

    public override NonJoinedKey<TKey> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 9) throw new SerializationException($"A non-joined key needs at least 9 bytes, got {data.Length}.");
        return new NonJoinedKey<TKey>(BinaryPrimitives.ReadInt64BigEndian(data), data[8] == 1, keySerde.Deserialize(data[9..]));
    }
}
