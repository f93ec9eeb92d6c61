namespace Braid.Serialization;

/// <summary>
/// A serde that can write a value into a caller's buffer instead of a new array: a RocksDB commit copies each value into
/// its write batch at once, so an array per value is garbage the moment it is written (issue 19, s13-rkv: Collect's member
/// pages were ~4 KB arrays per touched page per commit). The bytes are exactly <see cref="Serde{T}.Serialize(T)"/>'s.
/// </summary>
internal interface IBufferedSerde<T>
{
    /// <summary>
    /// The value's bytes, written from offset 0 of <paramref name="buffer"/> when it is large enough, else of a new array
    /// assigned to <paramref name="buffer"/> (the caller decides whether to keep it). Valid until the buffer's next use.
    /// </summary>
    ReadOnlySpan<byte> Serialize(T value, ref byte[] buffer);
}
