namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// A bounded cache of deserialized committed entries, in front of RocksDB. Two generations approximate
/// LRU without per-entry bookkeeping: hits in the old generation are promoted, and when the young
/// generation is full the old one is dropped and the young one takes its place. Both dictionaries are
/// reused (Clear keeps their buckets), so steady state allocates nothing.
/// </summary>
internal sealed class ValueCache<TKey, TValue>
{
    private readonly int _generationCapacity;
    private Dictionary<TKey, TValue> _young;
    private Dictionary<TKey, TValue> _old;

    public ValueCache(int capacity)
    {
        _generationCapacity = capacity / 2;
        _young = StoreDictionary.Create<TKey, TValue>();
        _old = StoreDictionary.Create<TKey, TValue>();
    }

    public bool Enabled => _generationCapacity > 0;

    /// <summary>Whether a generation change ever dropped entries: from then on a miss says nothing about the committed state.</summary>
    public bool EverDropped { get; private set; }

    public bool TryGet(TKey key, out TValue value)
    {
        if (_young.TryGetValue(key, out value!)) return true;
        if (!_old.Remove(key, out value!)) return false;
        Set(key, value);
        return true;
    }

    public void Set(TKey key, TValue value)
    {
        if (!Enabled) return;
        if (_young.Count >= _generationCapacity && !_young.ContainsKey(key))
        {
            (_old, _young) = (_young, _old);
            if (_young.Count > 0) EverDropped = true;
            _young.Clear();
        }
        _young[key] = value;
        _old.Remove(key);
    }

    public void Remove(TKey key)
    {
        _young.Remove(key);
        _old.Remove(key);
    }

    public void Clear()
    {
        _young.Clear();
        _old.Clear();
        EverDropped = false; // nothing is held, so nothing held was dropped
    }
}

/// <summary>Dictionaries keyed by store keys.</summary>
internal static class StoreDictionary
{
    /// <summary>A dictionary that compares byte-array keys by content (as the in-memory stores do).</summary>
    public static Dictionary<TKey, TValue> Create<TKey, TValue>() =>
        typeof(TKey) == typeof(byte[])
            ? new Dictionary<TKey, TValue>((IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance)
            : new Dictionary<TKey, TValue>();
}
