namespace Braid.Internal.State;

/// <summary>
/// A store key with its serialized bytes, for the ordered key indexes of the in-memory key–value store and of the
/// RocksDB store's pending writes: both order keys by serialized bytes, as RocksDB does, so that scans agree on
/// every host. Null <see cref="Bytes"/> is the +infinity bound of open ranges.
/// </summary>
internal readonly record struct KeyIndexEntry<TKey>(byte[]? Bytes, TKey Key)
{
    /// <summary>Byte order of the serialized keys; the +infinity bound sorts last.</summary>
    public static IComparer<KeyIndexEntry<TKey>> ByBytes { get; } = new BytesComparer();

    private sealed class BytesComparer : IComparer<KeyIndexEntry<TKey>>
    {
        public int Compare(KeyIndexEntry<TKey> x, KeyIndexEntry<TKey> y) =>
            x.Bytes is null ? (y.Bytes is null ? 0 : 1)
            : y.Bytes is null ? -1
            : ByteArrayComparer.Instance.Compare(x.Bytes, y.Bytes);
    }
}
