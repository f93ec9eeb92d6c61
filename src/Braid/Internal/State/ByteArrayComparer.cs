namespace Braid.Internal.State;

/// <summary>Unsigned lexicographic byte order (RocksDB's default) and content equality.</summary>
internal sealed class ByteArrayComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var h = new HashCode();
        h.AddBytes(obj);
        return h.ToHashCode();
    }

    /// <summary>The smallest byte string greater than every string with this prefix, or null if none.</summary>
    public static byte[]? PrefixUpperBound(byte[] prefix)
    {
        var upper = (byte[])prefix.Clone();
        for (int i = upper.Length - 1; i >= 0; i--)
        {
            if (upper[i] != 0xFF)
            {
                upper[i]++;
                return upper.AsSpan(0, i + 1).ToArray();
            }
        }
        return null;
    }
}
