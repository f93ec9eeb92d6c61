using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal;

/// <summary>
/// Serializes a table change for a repartition topic (KTable GroupBy): a flags byte, then the new and
/// old values, each length-prefixed. Both travel together so the aggregate downstream can retract.
/// </summary>
internal sealed class ChangeSerde<T>(Serde<T> inner) : WrapperSerde<Change<T>>
{
    public override string Name => $"Change<{inner.Name}>";

    public override bool WritesHeaders => inner.WritesHeaders;

    // Kafka's ChangedSerializer passes the repartition topic and headers on to the value serde for both values.
    protected override byte[] Write(Change<T> value, SerdeContext? context)
    {
        var n = value.HasNew ? inner.SerializeWith(value.New!, context) : [];
        var o = value.HasOld ? inner.SerializeWith(value.Old!, context) : [];
        var b = new byte[1 + 4 + n.Length + 4 + o.Length];
        b[0] = (byte)((value.HasNew ? 1 : 0) | (value.HasOld ? 2 : 0) | (value.IsLatest ? 4 : 0));
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(1), n.Length);
        n.CopyTo(b, 5);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(5 + n.Length), o.Length);
        o.CopyTo(b, 9 + n.Length);
        return b;
    }

    protected override Change<T> Read(ReadOnlySpan<byte> data, SerdeContext? context)
    {
        if (data.Length < 9) throw new SerializationException("A table change needs at least 9 bytes.");
        byte flags = data[0];
        int nl = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        if (nl < 0 || 5 + nl + 4 > data.Length) throw new SerializationException("Corrupt table change: bad new-value length.");
        int ol = BinaryPrimitives.ReadInt32BigEndian(data[(5 + nl)..]);
        if (ol < 0 || 9 + nl + ol != data.Length) throw new SerializationException("Corrupt table change: bad old-value length.");
        bool hasNew = (flags & 1) != 0, hasOld = (flags & 2) != 0;
        var n = hasNew ? inner.DeserializeWith(data.Slice(5, nl), context) : default;
        var o = hasOld ? inner.DeserializeWith(data.Slice(9 + nl, ol), context) : default;
        return new Change<T>(n, hasNew, o, hasOld, (flags & 4) != 0);
    }
}
