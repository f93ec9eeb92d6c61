using System.Buffers.Binary;

namespace Braid.Internal.State;

/// <summary>
/// A signed long as 8 big-endian bytes with the sign bit flipped, so unsigned byte order (RocksDB's, and the in-memory
/// stores' <see cref="ByteArrayComparer"/>) equals numeric order — the one copy of this encoding, used by store key
/// layouts and the time-ordered buffers.
/// </summary>
internal static class OrderedInt64
{
    public const int Size = 8;

    public static void Write(Span<byte> destination, long value) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)value ^ 0x8000_0000_0000_0000UL);

    public static long Read(ReadOnlySpan<byte> source) =>
        (long)(BinaryPrimitives.ReadUInt64BigEndian(source) ^ 0x8000_0000_0000_0000UL);
}
