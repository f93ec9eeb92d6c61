using System.Buffers.Binary;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>The window store's commit: the pending puts written in key order, then kept as committed entries (see the class remarks).</summary>
internal sealed partial class RocksWindowStore<TKey, TValue>
{
    public override void WritePending(WriteBatch batch)
    {
        // Entries that expired while pending are not written at all (Kafka: the caching window store flushes into
        // AbstractRocksDBSegmentedBytesStore.put, which skips a record whose segment is no longer live; we skip per
        // entry, as our fetches expire per entry): no read can see them — fetches start at the minimum live
        // timestamp, here and after a restart, because this batch also writes the observed stream time that
        // makes them expired, atomically with the other puts — and the segment's DeleteRange would only remove
        // them again. With a commit interval longer than the retention (a stream–stream join's ±window, a
        // window's size + grace), most of a fast stream's entries never reach RocksDB.
        // Nothing here changes the in-memory entries: a failed write is followed by DiscardPending, which drops them all.
        long minLive = MinLiveTime;
        foreach (var held in _dirty)
        {
            int first = FirstAtOrAfter(held.Entries, minLive); // entries are sorted by timestamp
            if (HasPendingFrom(held.Entries, first))
                _writeOrder.Add(held.KeyBytes ??= KeySerde.Serialize(held.Key), new PendingRun { Entries = held.Entries, Next = first });
        }
        // In RocksDB's key order ([segment][key length][key][timestamp][sequence], KeyOrderedWrites says why): one pass per
        // segment with entries (normally at most three: the live range is one retention, a segment half of it).
        _writeOrder.Sort();
        while (TryNextSegment(out long segment))
        {
            for (int i = 0; i < _writeOrder.Count; i++)
            {
                var keyBytes = _writeOrder.Key(i);
                ref var run = ref _writeOrder.Item(i);
                int entryPrefixLength = Prefix.Length + 12 + keyBytes.Length;
                for (; run.Next < run.Entries.Count && SegmentId(run.Entries[run.Next].Timestamp) == segment; run.Next++)
                {
                    var entry = run.Entries[run.Next];
                    if (!entry.IsPending) continue; // committed earlier, loaded from RocksDB or kept from a commit
                    var stored = _keyBuffer.Get(entryPrefixLength + SuffixLength);
                    KeyLayout.WriteTimeKeyHead(stored, Prefix, segment, keyBytes);
                    KeyLayout.WriteOrderedInt64(stored[entryPrefixLength..], entry.Timestamp);
                    BinaryPrimitives.WriteInt64BigEndian(stored[(entryPrefixLength + 8)..], entry.Sequence);
                    batch.Put(stored, _valueWriter.Write(entry.Value), Family);
                }
            }
        }
        _writeOrder.Clear();
        // After the puts: whole expired segments (committed earlier) are removed by the same batch.
        if (SegmentsExpired) DeleteBelow(batch, Prefix, FirstLiveSegment);
        if (ObservedStreamTime != CommittedStreamTime || _nextSequence != _committedNextSequence)
        {
            BinaryPrimitives.WriteInt64BigEndian(_meta, ObservedStreamTime);
            BinaryPrimitives.WriteInt64BigEndian(_meta.AsSpan(8), _nextSequence);
            batch.Put(MetaKey, _meta, Family);
        }
    }

    private static bool HasPendingFrom(List<Entry> entries, int first)
    {
        for (int i = first; i < entries.Count; i++)
            if (entries[i].IsPending) return true;
        return false;
    }

    /// <summary>The lowest segment of the runs' next unwritten entries; false when every run is written.</summary>
    private bool TryNextSegment(out long segment)
    {
        bool found = false;
        segment = 0;
        for (int i = 0; i < _writeOrder.Count; i++)
        {
            ref readonly var run = ref _writeOrder.Item(i);
            if (run.Next == run.Entries.Count) continue;
            long candidate = SegmentId(run.Entries[run.Next].Timestamp);
            if (!found || candidate < segment) (segment, found) = (candidate, true);
        }
        return found;
    }

    /// <summary>
    /// The batch is durable: each written key's pending puts become its committed entries, in place (expired ones
    /// dropped). A key whose committed entries were never loaded (the cache did not cover the task) is dropped, as its
    /// list holds only part of them; then keys without pending puts beyond the cache size are dropped, those not used
    /// since the last commit first.
    /// </summary>
    public override void Committed()
    {
        long minLive = MinLiveTime;
        foreach (var held in _dirty)
        {
            held.Dirty = false;
            if (!held.Loaded)
            {
                _keys.Remove(held.Key);
                continue;
            }
            var entries = held.Entries;
            entries.RemoveRange(0, FirstAtOrAfter(entries, minLive));
            for (int i = 0; i < entries.Count; i++)
                if (entries[i].IsPending) entries[i] = entries[i].Committed;
        }
        _dirty.Clear();
        if (_keys.Count > _capacity) DropOverCapacity();
        _interval++;
        TimeCommitted();
        _committedNextSequence = _nextSequence;
        _pendingCount = 0;
        ResetIterator();
    }

    /// <summary>Drops keys (none pending: called after a commit) until at most the cache size are held, those not used
    /// since the last commit first; coverage ends.</summary>
    private void DropOverCapacity()
    {
        foreach (var (key, held) in _keys)
        {
            if (_keys.Count <= _capacity) break;
            if (held.LastUse < _interval) _keys.Remove(key); // removing while enumerating a Dictionary is allowed
        }
        if (_keys.Count > _capacity)
        {
            foreach (var key in _keys.Keys)
            {
                if (_keys.Count <= _capacity) break;
                _keys.Remove(key);
            }
        }
        _everDropped = true;
    }

    public override void DiscardPending()
    {
        // Everything held goes: pending puts and committed entries they overwrote in place alike; the next fetch of a
        // key reads RocksDB again (or learns coverage again).
        _keys.Clear();
        _dirty.Clear();
        _coverage.Forget();
        _everDropped = false;
        TimeDiscarded();
        _nextSequence = _committedNextSequence;
        _pendingCount = 0;
        ResetIterator();
    }

    /// <summary>A key's entries from <see cref="Next"/> on, still to be written by this commit.</summary>
    private struct PendingRun
    {
        public List<Entry> Entries;
        public int Next;
    }
}
