namespace Braid.Internal.Partitioning;

/// <summary>
/// Kafka's default key→partition mapping (the Java client's murmur2, seed 0x9747b28c, then
/// <c>toPositive(hash) % partitions</c>). Every Braid host uses it so that Braid, Kafka Streams and Java
/// producers put the same key on the same partition — co-partitioned joins depend on that agreement.
/// </summary>
internal static class Murmur2Partitioner
{
    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        if (partitions <= 0) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "a topic needs at least one partition.");
        return (Murmur2(key) & 0x7fffffff) % partitions;
    }

    /// <summary>Bit-for-bit the Java client's <c>Utils.murmur2</c> (signed 32-bit arithmetic, little-endian words).</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const int m = 0x5bd1e995;
        const int r = 24;
        int length = data.Length;
        int h = unchecked((int)0x9747b28c) ^ length;
        int length4 = length / 4;
        unchecked
        {
            for (int i = 0; i < length4; i++)
            {
                int i4 = i * 4;
                int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
                k *= m;
                k ^= (int)((uint)k >> r);
                k *= m;
                h *= m;
                h ^= k;
            }
            int tail = length4 * 4;
            switch (length % 4)
            {
                case 3:
                    h ^= (data[tail + 2] & 0xff) << 16;
                    goto case 2;
                case 2:
                    h ^= (data[tail + 1] & 0xff) << 8;
                    goto case 1;
                case 1:
                    h ^= data[tail] & 0xff;
                    h *= m;
                    break;
            }
            h ^= (int)((uint)h >> 13);
            h *= m;
            h ^= (int)((uint)h >> 15);
        }
        return h;
    }
}
