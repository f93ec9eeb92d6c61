using Braid.Serialization;

namespace Braid.Internal.Joins;

/// <summary>
/// The held keys of one holding side of a join (a left join has one, an outer join one per side), in the held store's
/// order — timestamp, then key bytes (the side is the same for all) — kept by the operators beside the store, typed, so
/// an emit pass neither scans the store nor makes it keep an ordered index of serialized keys.
/// <para>Why: Kafka's pass (KStreamKStreamJoin.emitNonJoinedOuterRecords) walks the store in key order, emits the
/// expired keys and leaves <c>minTime</c> at the last key's timestamp. With one holding side the expired keys are a
/// prefix of that order, so the pass pops them from the front of this list, and the last key's timestamp is its end; an
/// outer join merges its two sides' lists in the store's order (StreamStreamJoin.EmitExpired).
/// Before, the pass was a bounded scan of the store (its RocksDB merge, its byte index built on the first scan and
/// then kept up to date by every hold and match: a fifth of the RocksDB left join in session 15's profile).</para>
/// <para>Entries are added when a key is first held (the store did not hold it) and never removed when a match
/// deletes the key from the held set: the held set (HeldRecords: in memory, or the store while written through) stays the
/// truth and an entry is a candidate, checked against it when it
/// reaches either end (a matched-away entry is skipped there). Every key the store holds has an entry, in order; a
/// key held again after a match has two equal entries, the second one found absent once the first released it.</para>
/// <para>Timestamps mostly arrive in order: an entry is appended, or inserted near the end (a record at most
/// "after" behind stream time); the front is popped by the passes. Equal timestamps are ordered by the key's serialized
/// bytes (the store's order), serialized only then.</para>
/// </summary>
internal sealed class HeldOrder<TKey>(Serde<TKey> keySerde)
{
    private Entry[] _items = new Entry[16];
    private int _head;
    private int _count;

    /// <summary>Whether every key of the store has an entry (false for a restored join until a full pass rebuilds it).</summary>
    public bool Known { get; private set; } = true;

    /// <summary>Entries, matched-away ones included until they reach an end.</summary>
    public int Count => _count;

    /// <summary>A key is held for the first time (the store did not hold it).</summary>
    public void Add(long ts, TKey key)
    {
        if (!Known) return;
        var entry = new Entry(ts, key, null);
        if (_count == 0 || ts > _items[_head + _count - 1].Ts)
        {
            EnsureRoomAtEnd();
            _items[_head + _count++] = entry;
            return;
        }
        // Out of order, or a tie: the first position whose entry sorts after the new one, searched from the end
        // (after making room: sliding moves the entries).
        EnsureRoomAtEnd();
        int at = _head + _count;
        while (at > _head && Compare(ref entry, ref _items[at - 1]) < 0) at--;
        Array.Copy(_items, at, _items, at + 1, _head + _count - at);
        _items[at] = entry;
        _count++;
    }

    /// <summary>The entry at <paramref name="index"/> (0 = the first), matched-away ones included.</summary>
    public void PeekAt(int index, out long ts, out TKey key)
    {
        ref var e = ref _items[_head + index];
        (ts, key) = (e.Ts, e.Key);
    }

    /// <summary>
    /// The index of the first entry whose timestamp is greater than <paramref name="ts"/> (or equal, with
    /// <paramref name="orEqual"/>); <see cref="Count"/> when there is none. Entries are in timestamp order.
    /// </summary>
    public int IndexAfter(long ts, bool orEqual)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            long at = _items[_head + mid].Ts;
            if (at > ts || (orEqual && at == ts)) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>The first entry (smallest timestamp and key), when there is one.</summary>
    public bool TryPeekFirst(out long ts, out TKey key)
    {
        if (_count == 0)
        {
            (ts, key) = (0, default!);
            return false;
        }
        ref var e = ref _items[_head];
        (ts, key) = (e.Ts, e.Key);
        return true;
    }

    public void RemoveFirst()
    {
        _items[_head++] = default; // no key kept alive by the array
        if (--_count == 0) _head = 0;
    }

    /// <summary>The last entry (largest timestamp and key), when there is one.</summary>
    public bool TryPeekLast(out long ts, out TKey key)
    {
        if (_count == 0)
        {
            (ts, key) = (0, default!);
            return false;
        }
        ref var e = ref _items[_head + _count - 1];
        (ts, key) = (e.Ts, e.Key);
        return true;
    }

    public void RemoveLast()
    {
        _items[_head + --_count] = default;
        if (_count == 0) _head = 0;
    }

    /// <summary>The store no longer matches the entries (a restored join): unknown until <see cref="Restart"/>.</summary>
    public void Forget()
    {
        Clear();
        Known = false;
    }

    /// <summary>Empty and known: a full pass is about to append the store's remaining keys, in its order.</summary>
    public void Restart()
    {
        Clear();
        Known = true;
    }

    private void Clear()
    {
        Array.Clear(_items, _head, _count);
        (_head, _count) = (0, 0);
    }

    private void EnsureRoomAtEnd()
    {
        if (_head + _count < _items.Length) return;
        if (_head >= _items.Length / 2)
        {
            // Half the array is popped front: slide down instead of growing (the passes pop what the holds append).
            Array.Copy(_items, _head, _items, 0, _count);
            Array.Clear(_items, _count, _head);
            _head = 0;
            return;
        }
        var bigger = new Entry[_items.Length * 2];
        Array.Copy(_items, _head, bigger, 0, _count);
        (_items, _head) = (bigger, 0);
    }

    private int Compare(ref Entry a, ref Entry b)
    {
        int c = a.Ts.CompareTo(b.Ts);
        if (c != 0) return c;
        a.Bytes ??= keySerde.Serialize(a.Key);
        b.Bytes ??= keySerde.Serialize(b.Key);
        return a.Bytes.AsSpan().SequenceCompareTo(b.Bytes);
    }

    /// <summary>A held key; <c>Bytes</c>: its serialized form, once a tie needed it.</summary>
    private struct Entry(long ts, TKey key, byte[]? bytes)
    {
        public readonly long Ts = ts;
        public readonly TKey Key = key;
        public byte[]? Bytes = bytes;
    }
}
