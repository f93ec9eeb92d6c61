using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Joins;

/// <summary>
/// Side byte, count, then length-prefixed values of that side; then, only when some value has headers, a
/// presence byte per value followed by its headers (<see cref="HeadersCodec"/>). Data written before headers
/// were kept ends after the values and reads as "no headers".
/// </summary>
internal sealed class NonJoinedValuesSerde<TLeft, TRight>(Serde<TLeft> left, Serde<TRight> right) : Serde<NonJoinedValues<TLeft, TRight>>
{
    public override string Name => $"NonJoinedValues<{left.Name},{right.Name}>";

    public override byte[] Serialize(NonJoinedValues<TLeft, TRight> value)
    {
        int count = value.Count;
        var parts = new byte[count][];
        int size = 5;
        for (int i = 0; i < count; i++)
        {
            parts[i] = value.IsLeft ? left.Serialize(value.LeftAt(i)) : right.Serialize(value.RightAt(i));
            size += 4 + parts[i].Length;
        }
        var bytes = new byte[size];
        bytes[0] = value.IsLeft ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), count);
        int at = 5;
        foreach (var p in parts)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), p.Length);
            p.CopyTo(bytes, at + 4);
            at += 4 + p.Length;
        }
        return value.Headers is null ? bytes : AppendHeaders(bytes, value);
    }

    private static byte[] AppendHeaders(byte[] values, NonJoinedValues<TLeft, TRight> value)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(values);
        for (int i = 0; i < value.Count; i++)
        {
            var h = value.HeadersAt(i);
            w.Write(h is not null);
            if (h is not null) HeadersCodec.Write(w, h);
        }
        w.Flush();
        return ms.ToArray();
    }

    public override NonJoinedValues<TLeft, TRight> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5) throw new SerializationException($"Held non-joined values need at least 5 bytes, got {data.Length}.");
        bool isLeft = data[0] == 1;
        int count = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        var result = new NonJoinedValues<TLeft, TRight>();
        int at = 5;
        for (int i = 0; i < count; i++)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
            var slice = data.Slice(at + 4, len);
            if (isLeft) result.AddLeft(left.Deserialize(slice));
            else result.AddRight(right.Deserialize(slice));
            at += 4 + len;
        }
        if (at < data.Length)
        {
            using var r = new BinaryReader(new MemoryStream(data[at..].ToArray()));
            result.Headers = new List<Headers?>(count);
            for (int i = 0; i < count; i++) result.Headers.Add(r.ReadBoolean() ? HeadersCodec.Read(r) : null);
        }
        return result;
    }
}
