using System.Runtime.CompilerServices;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>The key–value store's writes: pending puts and deletes, a table source's update, and freshness (see the class remarks).</summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue>
{
    public void Put(TKey key, TValue value)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        ThrowIfReadOnly();
        StartGroups();
        ref var entry = ref _entries.Find(key);
        bool added = Unsafe.IsNullRef(ref entry);
        if (added) entry = ref _entries.Add(key);
        BeginWrite(ref entry, key, added);
        entry.Value = value;
        entry.Present = true;
        _groups?.Put(key, value);
    }

    /// <summary>
    /// A table source's update (read the old value, write the new one) in one lookup when the key's entry is in memory
    /// (written since the last commit, or its committed value cached), as the in-memory store does in one dictionary
    /// lookup; otherwise the committed value is read as <see cref="TryGet"/> reads it, and that read also decides the
    /// write's freshness. Stores exactly what <c>TryGet</c> then <c>Put</c> would.
    /// </summary>
    public bool PutAndGetOld(TKey key, TValue value, out TValue old)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        ThrowIfReadOnly();
        StartGroups();
        ref var entry = ref _entries.Find(key);
        bool hadOld, added = false;
        if (!Unsafe.IsNullRef(ref entry))
        {
            (hadOld, old) = (entry.Present, entry.Value);
        }
        else
        {
            // Read before the entry is added, so a failed read leaves no write behind; the read may cache the committed
            // value (then the write finds that entry, and its freshness is the value's absence).
            hadOld = TryGetUncached(key, out old);
            entry = ref _entries.Find(key);
            added = Unsafe.IsNullRef(ref entry);
            if (added) entry = ref _entries.Add(key);
        }
        BeginWrite(ref entry, key, added);
        entry.Value = value;
        entry.Present = true;
        _groups?.Put(key, value);
        return hadOld;
    }

    public bool Delete(TKey key) => Delete(key, knownPresent: false);

    /// <summary>
    /// <see cref="Delete(TKey)"/>; with <paramref name="knownPresent"/> (<see cref="IDeleteKnown{TKey}"/>) a key neither held
    /// nor covered by the cache is taken as committed without the read that would confirm it: it gets the pending delete
    /// the read would have led to, and a caller wrong about presence costs a tombstone, never a kept key.
    /// </summary>
    private bool Delete(TKey key, bool knownPresent)
    {
        StoreArguments.NotNull(key);
        ThrowIfReadOnly();
        StartGroups();
        ref var entry = ref _entries.Find(key);
        bool added = false;
        if (Unsafe.IsNullRef(ref entry) && knownPresent && !CoversKnown())
        {
            entry = ref _entries.Add(key);
            added = true;
        }
        else if (Unsafe.IsNullRef(ref entry))
        {
            if (!TryGetUncached(key, out _)) return false;
            entry = ref _entries.Find(key); // the read cached the committed value, unless the cache is off
            added = Unsafe.IsNullRef(ref entry);
            if (added) entry = ref _entries.Add(key);
        }
        else if (!entry.Present) return false;
        _entries.NoteDeleted(key);
        if (_entries.IsPending(entry) && entry.Fresh)
        {
            // The committed state has no value for the key, so dropping the pending put leaves exactly what a pending
            // delete would commit. Kafka's caching store flushes the delete instead (CachingKeyValueStore.putAndMaybeForward
            // writes the null through); no reader can tell the difference. The entry stays, a committed absence (the next
            // read costs no RocksDB read; under coverage the commit removes it). A crash before the commit loses nothing:
            // neither write was durable.
            entry.Written = false;
            entry.Present = false;
            entry.Value = default!;
            // The index entry's bytes were kept with the entry when it was indexed: no second serialization.
            _pendingIndex?.Remove(new KeyIndexEntry<TKey>(entry.KeyBytes ?? KeySerde.Serialize(key), key));
            _groups?.Delete(key);
            return true;
        }
        BeginWrite(ref entry, key, added);
        entry.Present = false;
        entry.Value = default!;
        _groups?.Delete(key);
        return true;
    }

    /// <summary>Marks the entry written (<see cref="WriteBackCache{TKey,TValue}.BeginWrite"/>): freshness is decided by the
    /// first write since the commit (what was committed before it) and kept by later ones. A key newly pending joins the
    /// pending index when it exists, with its bytes kept on the entry (serialized once per key, not once per index operation).</summary>
    private void BeginWrite(ref WriteBackCache<TKey, TValue>.Entry entry, TKey key, bool added)
    {
        if (!_entries.BeginWrite(ref entry, key, added, freshIfAdded: CoversKnown()) || _pendingIndex is null) return;
        _pendingIndex.Add(new KeyIndexEntry<TKey>(entry.KeyBytes ??= KeySerde.Serialize(key), key));
    }

    /// <summary>Before the first write or scan since the store opened or discarded its pending writes: the group cache holds
    /// every group from now on when the store holds no key at all — no pending write, and no committed entry (the coverage
    /// seek, learned once; the value cache has dropped nothing yet, so it is exactly "the task's range is empty").</summary>
    private void StartGroups()
    {
        if (_groups is { Started: false }) _groups.Start(storeEmpty: _entries.WrittenKeys.Count == 0 && CoversAll());
    }

    private bool CoversAll() => _entries.Enabled && _coverage.CoversAll(Db, Family, Prefix, _entries.EverDropped);

    private bool CoversKnown() => _entries.Enabled && _coverage.Known(_entries.EverDropped);
}
