using System.Buffers.Binary;
using Braid.State;

namespace Braid.Serialization;

/// <summary>Kafka's timestamped-store layout: 8 bytes big-endian timestamp, then the value bytes.</summary>
internal sealed class ValueAndTimestampSerde<T>(Serde<T> inner) : Serde<ValueAndTimestamp<T>>
{
    public Serde<T> Inner => inner;

    public override string Name => $"ValueAndTimestamp<{inner.Name}>";

    public override byte[] Serialize(ValueAndTimestamp<T> value)
    {
        var v = inner.Serialize(value.Value);
        var b = new byte[8 + v.Length];
        BinaryPrimitives.WriteInt64BigEndian(b, value.Timestamp);
        v.CopyTo(b, 8);
        return b;
    }

    public override ValueAndTimestamp<T> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) throw new SerializationException($"A timestamped value needs at least 8 bytes, got {data.Length}.");
        return new ValueAndTimestamp<T>(inner.Deserialize(data[8..]), BinaryPrimitives.ReadInt64BigEndian(data));
    }
}
