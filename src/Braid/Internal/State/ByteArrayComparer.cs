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
        // The prefix up to its last byte below 0xFF, that byte incremented (one array: every prefix scan makes one).
        int last = prefix.AsSpan().LastIndexOfAnyExcept((byte)0xFF);
        if (last < 0) return null;
        var upper = prefix.AsSpan(0, last + 1).ToArray();
        upper[last]++;
        return upper;
    }
}
