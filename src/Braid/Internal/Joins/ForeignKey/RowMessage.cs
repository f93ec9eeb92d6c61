using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// A row re-keyed by its join attribute for a many-to-many join: the row's primary key and its new value,
/// or no value when the row leaves this attribute (deleted, or moved to another attribute).
/// </summary>
internal readonly record struct RowMessage<TPk, TValue>(TPk Pk, TValue? Value, bool HasValue);

/// <summary>[has-value][4-byte key length][key][value].</summary>
internal sealed class RowMessageSerde<TPk, TValue>(Serde<TPk> pk, Serde<TValue> value) : Serde<RowMessage<TPk, TValue>>
{
    public override byte[] Serialize(RowMessage<TPk, TValue> m)
    {
        var k = pk.Serialize(m.Pk);
        var v = m.HasValue ? value.Serialize(m.Value!) : [];
        var b = new byte[5 + k.Length + v.Length];
        b[0] = m.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(1), k.Length);
        k.CopyTo(b, 5);
        v.CopyTo(b, 5 + k.Length);
        return b;
    }

    public override RowMessage<TPk, TValue> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5 || data[0] > 1) throw new SerializationException("Corrupt re-keyed row.");
        int n = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        if (n < 0 || 5 + n > data.Length) throw new SerializationException("Corrupt re-keyed row: bad key length.");
        bool has = data[0] == 1;
        return new RowMessage<TPk, TValue>(pk.Deserialize(data.Slice(5, n)), has ? value.Deserialize(data[(5 + n)..]) : default, has);
    }
}
