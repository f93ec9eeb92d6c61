using Braid.State;

namespace Braid.Internal.State;

/// <summary>
/// A key serde whose keys have a better in-memory store than the general one: the in-memory factory asks it first. The
/// foreign-key and many-to-many joins' combined keys (<c>CombinedKeySerde</c>) are read by prefix on every right-side
/// update, which a store grouped by prefix answers with one lookup (issue 19).
/// </summary>
internal interface IOwnInMemoryStore<TKey>
{
    /// <summary>A new, empty in-memory store for keys of this serde, ordered by their serialized bytes.</summary>
    IKeyValueStore<TKey, TValue> CreateInMemoryStore<TValue>(string name);
}
