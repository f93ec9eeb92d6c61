using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Joins;

/// <summary>
/// The clock both sides of one stream–stream join share within a task (Kafka's TimeTracker): one stream
/// time over both inputs, the earliest held non-joined timestamp (a cheap "anything due?" check), and the
/// wall-clock throttle of emission. Obtained through <see cref="TaskContext.GetOrCreateShared{T}"/> under
/// the join's name, so each task has its own and nothing is static.
/// </summary>
internal sealed class SharedJoinTime
{
    public long StreamTime { get; private set; } = long.MinValue;

    /// <summary>Kafka's minTime: a lower bound of held timestamps, refreshed by each emission scan.</summary>
    public long MinHeldTime { get; set; } = long.MaxValue;

    public long NextTimeToEmit { get; set; } = long.MinValue;

    public void Advance(long timestamp)
    {
        if (timestamp > StreamTime) StreamTime = timestamp;
    }
}

/// <summary>
/// Key of the held non-joined records. Its serialized form orders the buffer the way Kafka's
/// TimestampedKeyAndJoinSide does: timestamp, then right side before left side, then key bytes.
/// </summary>
internal readonly record struct NonJoinedKey<TKey>(long Timestamp, bool IsLeft, TKey Key);

/// <summary>
/// The values held under one <see cref="NonJoinedKey{TKey}"/>: only the list of that key's side is set.
/// <see cref="Headers"/>, when set, holds each value's own headers (same index), so a released result carries
/// the headers of the record it was held for; it stays null while no held value had headers.
/// </summary>
internal sealed class NonJoinedValues<TLeft, TRight>
{
    public List<TLeft>? Left { get; set; }

    public List<TRight>? Right { get; set; }

    public List<Headers?>? Headers { get; set; }

    public int Count => Left?.Count ?? Right?.Count ?? 0;

    /// <summary>The headers of the value at <paramref name="index"/>, or null.</summary>
    public Headers? HeadersAt(int index) => Headers is { } h && index < h.Count ? h[index] : null;

    /// <summary>Records the headers of the value just appended (at index <see cref="Count"/> − 1).</summary>
    public void AddHeaders(Headers? headers)
    {
        if (headers is null && Headers is null) return;
        Headers ??= new List<Headers?>(Count);
        while (Headers.Count < Count - 1) Headers.Add(null);
        // Copied: the input record's headers object may be changed by another branch after this.
        Headers.Add(headers?.Clone());
    }
}

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
        var parts = new List<byte[]>();
        if (value.Left is not null) foreach (var v in value.Left) parts.Add(left.Serialize(v));
        else if (value.Right is not null) foreach (var v in value.Right) parts.Add(right.Serialize(v));
        int size = 5;
        foreach (var p in parts) size += 4 + p.Length;
        var bytes = new byte[size];
        bytes[0] = value.Left is not null ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), parts.Count);
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
        if (isLeft) result.Left = new List<TLeft>(count);
        else result.Right = new List<TRight>(count);
        int at = 5;
        for (int i = 0; i < count; i++)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
            var slice = data.Slice(at + 4, len);
            if (isLeft) result.Left!.Add(left.Deserialize(slice));
            else result.Right!.Add(right.Deserialize(slice));
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
