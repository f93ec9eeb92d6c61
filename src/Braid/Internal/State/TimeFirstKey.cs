using System.Buffers.Binary;

namespace Braid.Internal.State;

/// <summary>
/// Store keys of the time-ordered buffers (the stream–table join's grace buffer and the suppression buffer), laid out
/// as Kafka's TimeFirstWindowKeySchema so the store's byte order is the eviction order: the time
/// (<see cref="OrderedInt64"/>), the serialized record key, and for the grace buffer the arrival sequence (8 bytes
/// big-endian) that keeps records with equal time and key apart. The empty key (<see cref="Meta"/>) holds a buffer's
/// own metadata and sorts before every record.
/// </summary>
internal static class TimeFirstKey
{
    public static readonly byte[] Meta = [];

    public static byte[] Of(long time, byte[] key, long? sequence = null)
    {
        var b = new byte[OrderedInt64.Size + key.Length + (sequence is null ? 0 : 8)];
        OrderedInt64.Write(b, time);
        key.CopyTo(b, OrderedInt64.Size);
        if (sequence is long seq) BinaryPrimitives.WriteInt64BigEndian(b.AsSpan(OrderedInt64.Size + key.Length), seq);
        return b;
    }

    /// <summary>The time prefix: every key with this time sorts at or after it, every earlier time before it.</summary>
    public static byte[] TimePrefix(long time)
    {
        var b = new byte[OrderedInt64.Size];
        OrderedInt64.Write(b, time);
        return b;
    }

    /// <summary>The serialized record key inside a key written without a sequence.</summary>
    public static byte[] RecordKey(byte[] storeKey) => storeKey[OrderedInt64.Size..];

    /// <summary>The arrival sequence of a key written with one.</summary>
    public static long Sequence(byte[] storeKey) => BinaryPrimitives.ReadInt64BigEndian(storeKey.AsSpan(storeKey.Length - 8));
}
