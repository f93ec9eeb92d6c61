using System.Diagnostics.CodeAnalysis;
using Braid.Internal.State;

namespace Braid.RocksDb;

/// <summary>The key instances a string-keyed store holds in memory, handed to its table source (see the class remarks).</summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue> : IStoredStringKeys
{
    /// <summary>
    /// The key instance the write-back cache holds for <paramref name="chars"/> (a pending write or a cached committed
    /// value or absence), for a source node that decodes a record's key onto the stack: no key string is allocated for a
    /// held key, and the table source's lookup then finds its entry by reference (issue 19, session 17: what session 13
    /// gave the in-memory stores). A key the cache does not hold (never read, or dropped with its generation) is not
    /// looked up in RocksDB: the source makes a new string, as before. Reads nothing but the cache's maps, changes nothing.
    /// </summary>
    public bool TryGetStoredKey(ReadOnlySpan<char> chars, [NotNullWhen(true)] out string? key) => _entries.TryGetStoredKey(chars, out key);
}
