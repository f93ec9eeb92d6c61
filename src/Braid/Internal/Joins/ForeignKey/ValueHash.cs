using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// A stable 128-bit hash of a left value's bytes (XxHash128), carried by subscriptions and responses so
/// the left side can tell a response computed for its current value from one computed for an older value
/// (Kafka uses Murmur3-128 for the same purpose). Stable across processes and versions: it hashes the
/// serialized value, never <c>GetHashCode</c>.
/// </summary>
internal static class ValueHash
{
    public static UInt128 Of<T>(Serde<T> serde, T value)
    {
        // The built-in string serde writes the value's UTF-8: hash those bytes from the stack (or a pooled buffer)
        // instead of a new array per call — a foreign-key join hashes every left update twice (issue 19).
        if (ReferenceEquals(serde, Serdes.String) && value is string s) return OfUtf8(s);
        return XxHash128.HashToUInt128(serde.Serialize(value));
    }

    private static UInt128 OfUtf8(string s)
    {
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            return XxHash128.HashToUInt128(buffer[..Encoding.UTF8.GetBytes(s, buffer)]);
        }
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            return XxHash128.HashToUInt128(rented.AsSpan(0, Encoding.UTF8.GetBytes(s, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static UInt128 Read(ReadOnlySpan<byte> data) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(data), BinaryPrimitives.ReadUInt64BigEndian(data[8..]));

    public static void Write(Span<byte> data, UInt128 hash)
    {
        BinaryPrimitives.WriteUInt64BigEndian(data, (ulong)(hash >> 64));
        BinaryPrimitives.WriteUInt64BigEndian(data[8..], (ulong)hash);
    }
}

/// <summary>A hash and a timestamp: what the subscription store keeps per (foreign key, left key). Writes into a RocksDB
/// commit's reused buffer too (<see cref="IBufferedSerde{T}"/>): every subscription write of a commit was a 24-byte array
/// before, garbage once copied into the batch (issue 19, session 14).</summary>
internal sealed class HashAndTimestampSerde : Serde<ValueAndTimestamp<UInt128>>, IBufferedSerde<ValueAndTimestamp<UInt128>>
{
    public static readonly HashAndTimestampSerde Instance = new();

    private const int Length = 24;

    public override byte[] Serialize(ValueAndTimestamp<UInt128> value)
    {
        var b = new byte[Length];
        Write(value, b);
        return b;
    }

    public ReadOnlySpan<byte> Serialize(ValueAndTimestamp<UInt128> value, ref byte[] buffer)
    {
        if (buffer.Length < Length) buffer = new byte[Length];
        Write(value, buffer);
        return buffer.AsSpan(0, Length);
    }

    private static void Write(ValueAndTimestamp<UInt128> value, Span<byte> to)
    {
        ValueHash.Write(to, value.Value);
        BinaryPrimitives.WriteInt64BigEndian(to[16..], value.Timestamp);
    }

    public override ValueAndTimestamp<UInt128> Deserialize(ReadOnlySpan<byte> data) =>
        data.Length == Length ? new(ValueHash.Read(data), BinaryPrimitives.ReadInt64BigEndian(data[16..]))
        : throw new SerializationException($"A subscription entry needs 24 bytes, got {data.Length}.");
}
