using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>The key–value store's writes: pending puts and deletes, a table source's update, and freshness (see the class remarks).</summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue>
{
    public void Put(TKey key, TValue value)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        SetPending(key, new Pending(value, IsDelete: false));
        _groups?.Put(key, value);
    }

    /// <summary>
    /// A table source's update (read the old value, write the new one) in one lookup of the pending writes when the key
    /// was written since the last commit, as the in-memory store does in one dictionary lookup; otherwise the committed
    /// value is read as <see cref="TryGet"/> reads it, and that read also decides the write's freshness (no second cache
    /// lookup). Stores exactly what <c>TryGet</c> then <c>Put</c> would.
    /// </summary>
    public bool PutAndGetOld(TKey key, TValue value, out TValue old)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        ThrowIfReadOnly();
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_pending, key);
        if (!Unsafe.IsNullRef(ref slot))
        {
            bool hadPending = !slot.IsDelete;
            old = hadPending ? slot.Value : default!;
            slot = slot with { Value = value, IsDelete = false }; // freshness and key bytes stay the first write's
            _groups?.Put(key, value);
            return hadPending;
        }
        // Not pending: the committed value, read before the pending slot is added, so a failed read leaves no write behind.
        bool hadOld;
        bool fresh;
        if (_cache.TryGet(key, out var cached))
        {
            (hadOld, old) = (cached.Present, cached.Value);
            fresh = !cached.Present;
        }
        else
        {
            hadOld = TryGetUncached(key, out old);
            // What KnownAbsentWhenCommitted would answer now: an absence is known when it is cached (a cache that is on
            // just cached it) or when the cache covers the committed state (then nothing was cached).
            fresh = !hadOld && _cache.Enabled;
        }
        AddPending(key, new Pending(value, IsDelete: false, Fresh: fresh));
        _groups?.Put(key, value);
        return hadOld;
    }

    public bool Delete(TKey key)
    {
        StoreArguments.NotNull(key);
        ThrowIfReadOnly();
        if (!TryGet(key, out _)) return false;
        if (_pending.TryGetValue(key, out var pending) && pending.Fresh)
        {
            // The committed state has no value for the key, so dropping the pending put leaves exactly what a pending
            // delete would commit. Kafka's caching store flushes the delete instead (CachingKeyValueStore.putAndMaybeForward
            // writes the null through); no reader can tell the difference. The next read of the key costs no RocksDB read
            // either: the absence is cached, or (the cache covering the committed state) the key is simply not held. A crash before the commit loses nothing: neither write was durable.
            _pending.Remove(key);
            // The index entry's bytes were kept with the pending write when it was indexed: no second serialization.
            _pendingIndex?.Remove(new KeyIndexEntry<TKey>(pending.KeyBytes ?? KeySerde.Serialize(key), key));
            CacheAbsent(key);
            _groups?.Delete(key);
            return true;
        }
        SetPending(key, new Pending(default!, IsDelete: true));
        _groups?.Delete(key);
        return true;
    }

    private void SetPending(TKey key, Pending pending)
    {
        ThrowIfReadOnly();
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out bool existed);
        if (existed)
        {
            // Freshness is decided by the first pending write of the key (what was committed before it) and kept by later
            // ones; so are the key's serialized bytes.
            slot = pending with { Fresh = slot.Fresh, KeyBytes = slot.KeyBytes };
            return;
        }
        slot = WithKeyBytes(key, pending with { Fresh = KnownAbsentWhenCommitted(key) });
    }

    /// <summary>Adds the first pending write of a key whose freshness the caller decided.</summary>
    private void AddPending(TKey key, Pending pending) => _pending.Add(key, WithKeyBytes(key, pending));

    /// <summary>A new pending key's write, indexed when the index exists.</summary>
    private Pending WithKeyBytes(TKey key, Pending pending)
    {
        // The serialized key is kept with the write when the index needs it now (a held record's later fresh delete
        // removes it from the index with these bytes) — serialized once per pending key, not once per index operation.
        if (_pendingIndex is null) return pending;
        var keyBytes = KeySerde.Serialize(key);
        _pendingIndex.Add(new KeyIndexEntry<TKey>(keyBytes, key));
        return pending with { KeyBytes = keyBytes };
    }

    /// <summary>Whether the committed state is known (from the cache, never a read) to hold no value for the key.</summary>
    private bool KnownAbsentWhenCommitted(TKey key) => _cache.TryGet(key, out var cached) ? !cached.Present : CoversKnown();

    private bool CoversAll() => _cache.Enabled && _coverage.CoversAll(Db, Family, Prefix, _cache.EverDropped);

    private bool CoversKnown() => _cache.Enabled && _coverage.Known(_cache.EverDropped);

    /// <summary>Caches a committed absence, or, while the cache covers the committed state, drops the key (a miss says absent).</summary>
    private void CacheAbsent(TKey key)
    {
        if (CoversKnown()) _cache.Remove(key);
        else _cache.Set(key, new Cached(false, default!));
    }
}
