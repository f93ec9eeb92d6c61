namespace Braid.Internal.State;

/// <summary>
/// A key serde whose keys fall into groups that are one prefix scan each: a foreign-key join's subscription store and a
/// many-to-many join's indexes (<c>CombinedKeySerde</c>: [4-byte prefix length][prefix][primary]). A persistent store
/// uses it to keep whole groups in memory (Braid.RocksDb's <c>PrefixGroupCache</c>): a right-side update's prefix scan
/// is then a dictionary lookup, not a RocksDB iterator merged with the pending writes (issue 19).
/// </summary>
internal interface IGroupedKeys<TKey>
{
    /// <summary>Whether a scan of <paramref name="prefix"/> is exactly one group (and not a part of one, or several).</summary>
    bool IsGroup(ReadOnlySpan<byte> prefix);

    /// <summary>The prefix whose scan is <paramref name="key"/>'s group (what <see cref="IsGroup"/> accepts).</summary>
    byte[] GroupOf(TKey key);

    /// <summary>The key's bytes after its group prefix: their byte order is the keys' order within the group.</summary>
    byte[] MemberOf(TKey key);

    /// <summary>Writes <see cref="GroupOf"/>'s bytes into <paramref name="to"/> and returns their length, or -1 when they
    /// do not fit (lookups from the stack: no array per write).</summary>
    int WriteGroup(TKey key, Span<byte> to);

    /// <summary>Writes <see cref="MemberOf"/>'s bytes into <paramref name="to"/> and returns their length, or -1 when they
    /// do not fit.</summary>
    int WriteMember(TKey key, Span<byte> to);
}
