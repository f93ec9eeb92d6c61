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
internal sealed class RocksKeyValueStore<TKey, TValue> : RocksStore<TKey>, IKeyValueStore<TKey, TValue>, IPrefixScanInto<TKey, TValue>
{
    /// <summary>A guess at a pending entry's serialized size: writes are not serialized before the commit.</summary>
    private const long EstimatedEntryBytes = 64;

    private readonly Serde<TValue> _valueSerde;
    private readonly Dictionary<TKey, Pending> _pending = StoreDictionary.Create<TKey, Pending>();
    private readonly ValueCache<TKey, Cached> _cache;
    private readonly KeyBuffer _keyBuffer = new();
    private SortedIndex<KeyIndexEntry<TKey>>? _pendingIndex;
    private readonly List<KeyIndexEntry<TKey>> _pendingInRange = new();
    // Reused between commits: only this task's commits change this task's keys, and Committed() renews it.

    public RocksKeyValueStore(RocksDatabase db, TaskId task, KeyValueStoreBuilder<TKey, TValue> builder, int cacheEntries, bool readOnly)
        : base(db, task, builder.Name, builder.KeySerde, readOnly)
    {
        _valueSerde = builder.ValueSerde;
        _cache = new ValueCache<TKey, Cached>(readOnly ? 0 : cacheEntries);
    }

    public override long PendingBytes => _pending.Count * EstimatedEntryBytes;

    /// <summary>Exact (a merge of committed and pending keys), so it costs a scan of the task's keys.</summary>
    public long ApproximateCount => Merge(null, null, inclusiveUpper: true, output: null);

    public bool TryGet(TKey key, out TValue value)
    {
        StoreArguments.NotNull(key);
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
        bool found = Db.TryRead(Family, _keyBuffer.Compose(Prefix, KeySerde.Serialize(key)), _valueSerde, out value);
        _cache.Set(key, new Cached(found, value));
        return found;
    }

    public void Put(TKey key, TValue value)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        SetPending(key, new Pending(value, IsDelete: false));
    }

    public bool Delete(TKey key)
    {
        StoreArguments.NotNull(key);
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
        if (!existed) _pendingIndex?.Add(new KeyIndexEntry<TKey>(KeySerde.Serialize(key), key));
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to)
    {
        var result = new List<KeyValue<TKey, TValue>>();
        Merge(KeySerde.Serialize(from), KeySerde.Serialize(to), inclusiveUpper: true, result);
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

    public void PrefixScanInto(byte[] prefix, List<KeyValue<TKey, TValue>> output)
    {
        output.Clear();
        Merge(prefix, ByteArrayComparer.PrefixUpperBound(prefix), inclusiveUpper: false, output);
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
            for (iterator.Seek(_keyBuffer.Compose(Prefix, lo)); iterator.Valid(); iterator.Next())
            {
                var stored = iterator.GetKeySpan();
                if (!stored.StartsWith(Prefix)) break;
                var key = stored[Prefix.Length..];
                if (hi is not null && key.SequenceCompareTo(hi) is var c && (c > 0 || (c == 0 && !inclusiveUpper))) break;
                while (p < pending.Count && pending[p].Bytes!.AsSpan().SequenceCompareTo(key) < 0) count += EmitPending(pending[p++], output);
                if (p < pending.Count && pending[p].Bytes.AsSpan().SequenceEqual(key))
                {
                    count += EmitPending(pending[p++], output);
                    continue;
                }
                count++;
                output?.Add(new KeyValue<TKey, TValue>(KeySerde.Deserialize(key), _valueSerde.Deserialize(iterator.GetValueSpan())));
            }
            Db.ThrowIfFailed(iterator);
        }
        finally
        {
            ReleaseIterator(iterator);
        }
        while (p < pending.Count) count += EmitPending(pending[p++], output);
        return count;
    }

    private int EmitPending(KeyIndexEntry<TKey> entry, List<KeyValue<TKey, TValue>>? output)
    {
        var pending = _pending[entry.Key];
        if (pending.IsDelete) return 0;
        output?.Add(new KeyValue<TKey, TValue>(entry.Key, pending.Value));
        return 1;
    }

    private List<KeyIndexEntry<TKey>> PendingBetween(byte[]? lo, byte[]? hi, bool inclusiveUpper)
    {
        // Reused: a merge reads it to the end before it returns, and nothing calls back into this store meanwhile.
        var result = _pendingInRange;
        result.Clear();
        if (_pending.Count == 0) return result;
        if (_pendingIndex is null)
        {
            _pendingIndex = new SortedIndex<KeyIndexEntry<TKey>>(KeyIndexEntry<TKey>.ByBytes);
            foreach (var key in _pending.Keys) _pendingIndex.Add(new KeyIndexEntry<TKey>(KeySerde.Serialize(key), key));
        }
        for (var walk = _pendingIndex.From(new KeyIndexEntry<TKey>(lo ?? [], default!)); walk.MoveNext();)
        {
            var e = walk.Current;
            if (hi is not null && ByteArrayComparer.Instance.Compare(e.Bytes, hi) is var c && (c > 0 || (c == 0 && !inclusiveUpper))) break;
            result.Add(e);
        }
        return result;
    }

    public override void WritePending(WriteBatch batch)
    {
        if (_pendingIndex is not null)
        {
            // The index holds every pending key's bytes already (it is complete whenever it exists).
            for (var walk = _pendingIndex.From(new KeyIndexEntry<TKey>([], default!)); walk.MoveNext();)
                Write(batch, walk.Current.Bytes!, _pending[walk.Current.Key]);
            return;
        }
        foreach (var (key, pending) in _pending) Write(batch, KeySerde.Serialize(key), pending);
    }

    private void Write(WriteBatch batch, byte[] key, in Pending pending)
    {
        var stored = _keyBuffer.Compose(Prefix, key);
        if (pending.IsDelete) batch.Delete(stored, Family);
        else batch.Put(stored, _valueSerde.Serialize(pending.Value), Family);
    }

    public override void Committed()
    {
        foreach (var (key, pending) in _pending) _cache.Set(key, new Cached(!pending.IsDelete, pending.Value));
        _pending.Clear();
        // Once a scan built the index it is kept, emptied, and maintained by the next writes: rebuilding it after every
        // commit allocated its chunks again (a tenth of the RocksDB foreign-key join's allocation, issue 19).
        _pendingIndex?.Clear();
        ResetIterator();
    }

    public override void DiscardPending()
    {
        _pending.Clear();
        _pendingIndex = null;
        _cache.Clear();
        ResetIterator();
    }

    private readonly record struct Pending(TValue Value, bool IsDelete);

    private readonly record struct Cached(bool Present, TValue Value);
}
