using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Joins;

internal sealed class NonJoinedKeySerde<TKey>(Serde<TKey> keySerde) : Serde<NonJoinedKey<TKey>>
{
    public override string Name => $"NonJoinedKey<{keySerde.Name}>";

    // Braid's UTF-8 string serde: its bytes are written in place, one array per held key instead of two (the held
    // store's index serializes every held key; issue 19).
    private readonly bool _utf8Keys = ReferenceEquals(keySerde, Serdes.String);

    public override byte[] Serialize(NonJoinedKey<TKey> value)
    {
        if (_utf8Keys && value.Key is string s)
        {
            var inPlace = new byte[9 + System.Text.Encoding.UTF8.GetByteCount(s)];
            BinaryPrimitives.WriteInt64BigEndian(inPlace, value.Timestamp);
            inPlace[8] = value.IsLeft ? (byte)1 : (byte)0;
            System.Text.Encoding.UTF8.GetBytes(s, inPlace.AsSpan(9));
            return inPlace;
        }
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
