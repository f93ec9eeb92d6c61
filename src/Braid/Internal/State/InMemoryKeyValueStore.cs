using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.State;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// In-memory key–value store. Point operations go to a hash map of objects (no serialization on the
/// hot path). Ordered queries (range, prefix, all) need the byte order of serialized keys, so that the
/// in-memory and RocksDB stores agree; that ordered index is built on the first ordered query and
/// maintained from then on, so stores that are never scanned never pay for it.
/// </summary>
internal sealed class InMemoryKeyValueStore<TKey, TValue> : IKeyValueStore<TKey, TValue>, IPrefixScanInto<TKey, TValue>, IPutAndGetOld<TKey, TValue>,
    ISharedReadsSource, IStoredStringKeys
{
    private readonly Dictionary<TKey, TValue> _map;
    private readonly Serde<TKey> _keySerde;
    private SortedIndex<KeyIndexEntry<TKey>>? _index;
    private readonly Dictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>>? _byChars; // string keys only

    // The serialized form of each indexed key, so a delete finds its index entry without serializing the
    // key a second time (join buffers put and delete every record: that was half their serialization).
    private Dictionary<TKey, byte[]>? _indexBytes;

    public InMemoryKeyValueStore(string name, Serde<TKey> keySerde)
    {
        Name = name;
        _keySerde = keySerde;
        _map = typeof(TKey) == typeof(byte[])
            ? new Dictionary<TKey, TValue>((IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance)
            : new Dictionary<TKey, TValue>();
        if (_map is Dictionary<string, TValue> byString) _byChars = byString.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name { get; }

    public bool IsPersistent => false;

    /// <summary>String keys only (the map's default comparer is ordinal, so equal characters are one key); false for
    /// any other key type.</summary>
    public bool TryGetStoredKey(ReadOnlySpan<char> chars, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? key)
    {
        if (_byChars is { } byChars && byChars.TryGetValue(chars, out key, out _)) return true;
        key = null;
        return false;
    }

    public long ApproximateCount => _map.Count;

    /// <summary>
    /// Counts the writes that changed the map (every put, every delete that removed an entry): a reader that kept an
    /// object it read here knows the store still holds it, under the same key, while this count is unchanged (the Collect's
    /// last-group cache, <see cref="Braid.Internal.Aggregations.PagedMembers{TKey,TValue}"/>). Every write to the map goes
    /// through <see cref="PutAndGetOld"/> or <see cref="Delete"/>, whoever calls them (a node, a wrapper, a restore, a test).
    /// </summary>
    internal long Writes { get; private set; }

    /// <summary>A global store read by several stream threads at once (<see cref="SharedReadsKeyValueStore{TKey,TValue}"/>).</summary>
    public IStateStore ForSharedReads() => new SharedReadsKeyValueStore<TKey, TValue>(this);

    public bool TryGet(TKey key, out TValue value)
    {
        StoreArguments.NotNull(key);
        return _map.TryGetValue(key, out value!);
    }

    public void Put(TKey key, TValue value) => PutAndGetOld(key, value, out _);

    public bool PutAndGetOld(TKey key, TValue value, out TValue old)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_map, key, out bool existed);
        Writes++;
        old = slot!;
        slot = value;
        if (existed || _index is null) return existed;
        var bytes = _keySerde.Serialize(key);
        _indexBytes!.Add(key, bytes);
        _index.Add(new KeyIndexEntry<TKey>(bytes, key));
        return false;
    }

    public bool Delete(TKey key)
    {
        StoreArguments.NotNull(key);
        if (!_map.Remove(key)) return false;
        Writes++;
        if (_index is not null && _indexBytes!.Remove(key, out var bytes)) _index.Remove(new KeyIndexEntry<TKey>(bytes, key));
        return true;
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to)
    {
        var lo = _keySerde.Serialize(from);
        var hi = _keySerde.Serialize(to);
        return Scan(lo, hi, inclusiveUpper: true);
    }

    public IEnumerable<KeyValue<TKey, TValue>> All() => Scan(null, null, inclusiveUpper: true);

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde)
    {
        var lo = prefixSerde.Serialize(prefix);
        return Scan(lo, ByteArrayComparer.PrefixUpperBound(lo), inclusiveUpper: false);
    }

    // Entries with the prefix are contiguous in byte order and start at the prefix itself: no upper bound to build.
    public void PrefixScanInto(byte[] prefix, List<KeyValue<TKey, TValue>> output)
    {
        output.Clear();
        for (var walk = EnsureIndex().From(new KeyIndexEntry<TKey>(prefix, default!)); walk.MoveNext();)
        {
            var e = walk.Current;
            if (!e.Bytes.AsSpan().StartsWith(prefix)) break;
            output.Add(new KeyValue<TKey, TValue>(e.Key, _map[e.Key]));
        }
    }

    // Snapshot semantics: the result is materialized before the caller sees it, so the caller may
    // write to the store while it enumerates (as join operators do).
    private List<KeyValue<TKey, TValue>> Scan(byte[]? lo, byte[]? hi, bool inclusiveUpper)
    {
        var index = EnsureIndex();
        var result = new List<KeyValue<TKey, TValue>>();
        if (lo is not null && hi is not null && ByteArrayComparer.Instance.Compare(lo, hi) > 0) return result;
        for (var walk = index.From(new KeyIndexEntry<TKey>(lo ?? [], default!)); walk.MoveNext();)
        {
            var e = walk.Current;
            if (hi is not null && ByteArrayComparer.Instance.Compare(e.Bytes, hi) is var c && (c > 0 || (c == 0 && !inclusiveUpper))) break;
            result.Add(new KeyValue<TKey, TValue>(e.Key, _map[e.Key]));
        }
        return result;
    }

    private SortedIndex<KeyIndexEntry<TKey>> EnsureIndex()
    {
        if (_index is not null) return _index;
        _index = new SortedIndex<KeyIndexEntry<TKey>>(KeyIndexEntry<TKey>.ByBytes);
        _indexBytes = typeof(TKey) == typeof(byte[])
            ? new Dictionary<TKey, byte[]>((IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance)
            : new Dictionary<TKey, byte[]>();
        foreach (var key in _map.Keys)
        {
            var bytes = _keySerde.Serialize(key);
            _indexBytes.Add(key, bytes);
            _index.Add(new KeyIndexEntry<TKey>(bytes, key));
        }
        return _index;
    }

    public void Flush() { }

    public void Close() { }
}
