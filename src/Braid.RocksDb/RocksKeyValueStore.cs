using System.Runtime.InteropServices;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using RocksDbSharp;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// RocksDB key–value store of one task. Keys are <c>[task][0x01][serialized key]</c>, values the
/// serialized value, so RocksDB's byte order is the serialized-key order the in-memory store uses.
/// <list type="bullet">
/// <item>Writes stay pending, as objects, until the backend commits them in one batch with every other
/// store of the committing tasks (<see cref="ICommittable"/>); reads see them first.</item>
/// <item>Committed values are cached deserialized (<see cref="ValueCache{TKey,TValue}"/>), absence
/// included, so a hot key costs two dictionary lookups and no RocksDB call.</item>
/// <item>Scans merge a committed iterator with the pending writes, ordered by serialized key; the
/// serialized pending keys are indexed on the first scan and kept up to date until the commit.</item>
/// </list>
/// </summary>
internal sealed class RocksKeyValueStore<TKey, TValue> : IKeyValueStore<TKey, TValue>, ICommittable
{
    /// <summary>A guess at a pending entry's serialized size: writes are not serialized before the commit.</summary>
    private const long EstimatedEntryBytes = 64;

    private readonly RocksDatabase _db;
    private readonly ColumnFamilyHandle _family;
    private readonly byte[] _prefix;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private readonly bool _readOnly;
    private readonly Dictionary<TKey, Pending> _pending = StoreDictionary.Create<TKey, Pending>();
    private readonly ValueCache<TKey, Cached> _cache;
    private readonly KeyBuffer _keyBuffer = new();
    private SortedSet<IndexEntry>? _pendingIndex;
    // Reused between commits: only this task's commits change this task's keys, and Committed() renews it.
    private Iterator? _iterator;

    public RocksKeyValueStore(RocksDatabase db, TaskId task, KeyValueStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
    {
        _db = db;
        _family = db.StoreFamily(builder.Name);
        _prefix = KeyLayout.DataPrefix(task);
        _keySerde = builder.KeySerde;
        _valueSerde = builder.ValueSerde;
        _readOnly = readOnly;
        _cache = new ValueCache<TKey, Cached>(readOnly ? 0 : cacheEntries);
        Name = builder.Name;
    }

    public string Name { get; }

    public bool IsPersistent => true;

    public long PendingBytes => _pending.Count * EstimatedEntryBytes;

    /// <summary>Exact (a merge of committed and pending keys), so it costs a scan of the task's keys.</summary>
    public long ApproximateCount => Merge(null, null, inclusiveUpper: true, output: null);

    public bool TryGet(TKey key, out TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_pending.TryGetValue(key, out var pending))
        {
            value = pending.Value;
            return !pending.IsDelete;
        }
        if (_cache.TryGet(key, out var cached))
        {
            value = cached.Value;
            return cached.Present;
        }
        bool found = _db.TryRead(_family, _keyBuffer.Compose(_prefix, _keySerde.Serialize(key)), _valueSerde, out value);
        _cache.Set(key, new Cached(found, value));
        return found;
    }

    public void Put(TKey key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        SetPending(key, new Pending(value, IsDelete: false));
    }

    public bool Delete(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfReadOnly();
        if (!TryGet(key, out _)) return false;
        SetPending(key, new Pending(default!, IsDelete: true));
        return true;
    }

    private void SetPending(TKey key, Pending pending)
    {
        ThrowIfReadOnly();
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out bool existed);
        slot = pending;
        if (!existed) _pendingIndex?.Add(new IndexEntry(_keySerde.Serialize(key), key));
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to)
    {
        var result = new List<KeyValue<TKey, TValue>>();
        Merge(_keySerde.Serialize(from), _keySerde.Serialize(to), inclusiveUpper: true, result);
        return result;
    }

    public IEnumerable<KeyValue<TKey, TValue>> All()
    {
        var result = new List<KeyValue<TKey, TValue>>();
        Merge(null, null, inclusiveUpper: true, result);
        return result;
    }

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde)
    {
        var lo = prefixSerde.Serialize(prefix);
        var result = new List<KeyValue<TKey, TValue>>();
        Merge(lo, ByteArrayComparer.PrefixUpperBound(lo), inclusiveUpper: false, result);
        return result;
    }

    /// <summary>
    /// Merges committed entries in [lo, hi] (hi exclusive unless <paramref name="inclusiveUpper"/>; null =
    /// unbounded) with pending writes, pending winning. Fills <paramref name="output"/> when given (a
    /// snapshot, so callers may write while enumerating); returns the entry count either way.
    /// </summary>
    private long Merge(byte[]? lo, byte[]? hi, bool inclusiveUpper, List<KeyValue<TKey, TValue>>? output)
    {
        if (lo is not null && hi is not null && ByteArrayComparer.Instance.Compare(lo, hi) > 0) return 0;
        var pending = PendingBetween(lo, hi, inclusiveUpper);
        int p = 0;
        long count = 0;
        var iterator = AcquireIterator();
        try
        {
            for (iterator.Seek(_keyBuffer.Compose(_prefix, lo)); iterator.Valid(); iterator.Next())
            {
                var stored = iterator.GetKeySpan();
                if (!stored.StartsWith(_prefix)) break;
                var key = stored[_prefix.Length..];
                if (hi is not null && key.SequenceCompareTo(hi) is var c && (c > 0 || (c == 0 && !inclusiveUpper))) break;
                while (p < pending.Count && pending[p].Bytes!.AsSpan().SequenceCompareTo(key) < 0) count += EmitPending(pending[p++], output);
                if (p < pending.Count && pending[p].Bytes.AsSpan().SequenceEqual(key))
                {
                    count += EmitPending(pending[p++], output);
                    continue;
                }
                count++;
                output?.Add(new KeyValue<TKey, TValue>(_keySerde.Deserialize(key), _valueSerde.Deserialize(iterator.GetValueSpan())));
            }
            _db.ThrowIfFailed(iterator);
        }
        finally
        {
            ReleaseIterator(iterator);
        }
        while (p < pending.Count) count += EmitPending(pending[p++], output);
        return count;
    }

    private int EmitPending(IndexEntry entry, List<KeyValue<TKey, TValue>>? output)
    {
        var pending = _pending[entry.Key];
        if (pending.IsDelete) return 0;
        output?.Add(new KeyValue<TKey, TValue>(entry.Key, pending.Value));
        return 1;
    }

    private List<IndexEntry> PendingBetween(byte[]? lo, byte[]? hi, bool inclusiveUpper)
    {
        var result = new List<IndexEntry>();
        if (_pending.Count == 0) return result;
        if (_pendingIndex is null)
        {
            _pendingIndex = new SortedSet<IndexEntry>(IndexEntryComparer.Instance);
            foreach (var key in _pending.Keys) _pendingIndex.Add(new IndexEntry(_keySerde.Serialize(key), key));
        }
        foreach (var e in _pendingIndex.GetViewBetween(new IndexEntry(lo ?? [], default!), new IndexEntry(hi, default!)))
        {
            if (!inclusiveUpper && hi is not null && ByteArrayComparer.Instance.Compare(e.Bytes, hi) == 0) break;
            result.Add(e);
        }
        return result;
    }

    private Iterator AcquireIterator() => _readOnly ? _db.NewIterator(_family) : _iterator ??= _db.NewIterator(_family);

    private void ReleaseIterator(Iterator iterator)
    {
        if (_readOnly) iterator.Dispose();
    }

    private void ResetIterator()
    {
        _iterator?.Dispose();
        _iterator = null;
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException($"Store '{Name}' is a read-only view of committed state; write through the task's store.");
    }

    public void WritePending(WriteBatch batch)
    {
        foreach (var (key, pending) in _pending)
        {
            var stored = _keyBuffer.Compose(_prefix, _keySerde.Serialize(key));
            if (pending.IsDelete) batch.Delete(stored, _family);
            else batch.Put(stored, _valueSerde.Serialize(pending.Value), _family);
        }
    }

    public void Committed()
    {
        foreach (var (key, pending) in _pending) _cache.Set(key, new Cached(!pending.IsDelete, pending.Value));
        _pending.Clear();
        _pendingIndex = null;
        ResetIterator();
    }

    public void DiscardPending()
    {
        _pending.Clear();
        _pendingIndex = null;
        _cache.Clear();
        ResetIterator();
    }

    /// <summary>No-op: durability comes from the backend's commit, which writes every store at once.</summary>
    public void Flush() { }

    public void Close() => ResetIterator();

    private readonly record struct Pending(TValue Value, bool IsDelete);

    private readonly record struct Cached(bool Present, TValue Value);

    /// <summary>A serialized pending key; null <see cref="Bytes"/> is the +infinity bound of open ranges.</summary>
    private readonly record struct IndexEntry(byte[]? Bytes, TKey Key);

    private sealed class IndexEntryComparer : IComparer<IndexEntry>
    {
        public static readonly IndexEntryComparer Instance = new();

        public int Compare(IndexEntry x, IndexEntry y) =>
            x.Bytes is null ? (y.Bytes is null ? 0 : 1)
            : y.Bytes is null ? -1
            : ByteArrayComparer.Instance.Compare(x.Bytes, y.Bytes);
    }
}
