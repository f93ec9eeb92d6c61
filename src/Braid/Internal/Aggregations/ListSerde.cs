using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Aggregations;

/// <summary>A list as [4-byte count]([4-byte length][item])*; used for collected lists and their member state.</summary>
internal sealed class ListSerde<T>(Serde<T> item) : Serde<IReadOnlyList<T>>
{
    public override string Name => $"List<{item.Name}>";

    public override byte[] Serialize(IReadOnlyList<T> value)
    {
        var parts = new byte[value.Count][];
        int size = 4;
        for (int i = 0; i < parts.Length; i++) size += 4 + (parts[i] = item.Serialize(value[i])).Length;
        var b = new byte[size];
        BinaryPrimitives.WriteInt32BigEndian(b, parts.Length);
        int at = 4;
        foreach (var p in parts)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(at), p.Length);
            p.CopyTo(b, at + 4);
            at += 4 + p.Length;
        }
        return b;
    }

    public override IReadOnlyList<T> Deserialize(ReadOnlySpan<byte> data) => DeserializeList(data);

    /// <summary>The members' serde (Collect's member pages serialize members one by one and keep their bytes).</summary>
    internal Serde<T> Item => item;

    public List<T> DeserializeList(ReadOnlySpan<byte> data) => DeserializeList(data, null);

    /// <summary>Reads a list; with <paramref name="spans"/>, also each item's bytes (offset in <paramref name="data"/>, length).</summary>
    internal List<T> DeserializeList(ReadOnlySpan<byte> data, List<(int Offset, int Length)>? spans)
    {
        if (data.Length < 4) throw new SerializationException("A list needs at least 4 bytes.");
        int n = BinaryPrimitives.ReadInt32BigEndian(data);
        if (n < 0) throw new SerializationException("Corrupt list: negative count.");
        var list = new List<T>(Math.Min(n, data.Length / 4));
        int at = 4;
        for (int i = 0; i < n; i++)
        {
            if (at + 4 > data.Length) throw new SerializationException("Corrupt list: truncated.");
            int len = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
            if (len < 0 || at + 4 + len > data.Length) throw new SerializationException("Corrupt list: bad item length.");
            list.Add(item.Deserialize(data.Slice(at + 4, len)));
            spans?.Add((at + 4, len));
            at += 4 + len;
        }
        if (at != data.Length) throw new SerializationException("Corrupt list: trailing bytes.");
        return list;
    }
}
