namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>The window store's per-key entries (see the class remarks).</summary>
internal sealed partial class RocksWindowStore<TKey, TValue>
{
    /// <summary>
    /// One key's entries in memory, sorted by (timestamp, sequence), in an array of its own: live entries are
    /// <c>[start, start + count)</c>. Why not a <c>List</c>: a put and a fetch of a key each walked dictionary entry → key
    /// entries → list → array, four dependent loads of lines that are cold at the benchmark's 10,000 keys (the window
    /// store's <c>Put</c> and <c>Fetch</c> were the largest lines of a RocksDB stream–stream join, issue 19 session 19);
    /// the array held here saves the list object (one load and 32 bytes per key). Expiry only moves <c>start</c> (a
    /// <c>List.RemoveRange(0, n)</c> copied the rest down per expiring put); the room it leaves is reused when the array
    /// fills, before it grows.
    /// </summary>
    private sealed class KeyEntries
    {
        private Entry[] _items;
        private int _start;
        private int _count;

        public KeyEntries(TKey key, bool loaded)
        {
            Key = key;
            _items = new Entry[2];
            Loaded = loaded;
        }

        /// <summary>A key read from RocksDB: its committed entries, sorted.</summary>
        public KeyEntries(TKey key, ReadOnlySpan<Entry> committed, bool loaded)
        {
            Key = key;
            _items = committed.ToArray() is { Length: > 0 } copy ? copy : new Entry[2];
            _count = committed.Length;
            Loaded = loaded;
        }

        public TKey Key { get; }

        public int Count => _count;

        public int Capacity => _items.Length;

        /// <summary>The live entries, in order.</summary>
        public ReadOnlySpan<Entry> Span => _items.AsSpan(_start, _count);

        public Entry this[int i]
        {
            get => _items[_start + i];
            set => _items[_start + i] = value;
        }

        /// <summary>Whether the entries hold every live committed entry of the key (else only its pending puts).</summary>
        public bool Loaded;

        /// <summary>Whether the key has pending puts (it is in the store's dirty list).</summary>
        public bool Dirty;

        /// <summary>The commit interval of the key's last put or fetch.</summary>
        public long LastUse;

        /// <summary>The key serialized, at its first commit (kept: a join writes the same keys at every commit).</summary>
        public byte[]? KeyBytes;

        /// <summary>Drops the first <paramref name="n"/> entries (expired): their slots are cleared so their values can be collected.</summary>
        public void RemoveFront(int n)
        {
            if (n == 0) return;
            Array.Clear(_items, _start, n);
            _count -= n;
            _start = _count == 0 ? 0 : _start + n;
        }

        public void Insert(int i, Entry entry)
        {
            if (_start + _count == _items.Length) MakeRoom();
            int at = _start + i;
            if (i < _count) Array.Copy(_items, at, _items, at + 1, _count - i);
            _items[at] = entry;
            _count++;
        }

        /// <summary>Replaces every entry (a merge of pending and committed ones).</summary>
        public void Replace(Entry[] entries, int count)
        {
            (_items, _start, _count) = (entries, 0, count);
        }

        /// <summary>The array is full at its end: the expired room at its start is reused when it is at least half of the
        /// array (so a put pays a copy of the live entries at most once per as many expiries), else it doubles.</summary>
        private void MakeRoom()
        {
            if (_start >= _count)
            {
                Array.Copy(_items, _start, _items, 0, _count);
                Array.Clear(_items, _count, _items.Length - _count); // the moved entries' old slots
            }
            else
            {
                var grown = new Entry[_items.Length * 2];
                Array.Copy(_items, _start, grown, 0, _count);
                _items = grown;
            }
            _start = 0;
        }
    }

    /// <summary>An entry; <see cref="Tagged"/> is its sequence with the sign bit set while the put is pending.</summary>
    private readonly record struct Entry(long Timestamp, long Tagged, TValue Value)
    {
        public long Sequence => Tagged & long.MaxValue;

        public bool IsPending => Tagged < 0;

        public Entry Committed => this with { Tagged = Sequence };

        public bool SameSlot(Entry other) => Timestamp == other.Timestamp && Sequence == other.Sequence;

        public bool IsBefore(Entry other) => Timestamp < other.Timestamp || (Timestamp == other.Timestamp && Sequence < other.Sequence);

        public TimestampedValue<TValue> ToValue() => new(Timestamp, Value);
    }
}
