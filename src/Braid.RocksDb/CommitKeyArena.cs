namespace Braid.RocksDb;

/// <summary>
/// A key–value store's pending writes at commit time, handed back in RocksDB's key order (why the order: see
/// <see cref="KeyOrderedWrites{TItem}"/>), with the keys' bytes written one after another into one array reused across
/// commits instead of an array per key. RocksDB copies each key into the write batch at once, so a key's array was
/// garbage the moment it was written: on the RocksDB foreign-key join the commit's key arrays and the subscription
/// store's values were about a sixth of the row's allocation (issue 19, session 14). Not thread-safe; one per store, used
/// by the committing thread; holds no references between commits once <see cref="Clear"/>ed.
/// </summary>
internal sealed class CommitKeyArena<TItem>
{
    /// <summary>The largest arena kept between commits (a commit of more key bytes gets a fresh one next time).</summary>
    internal const int MaxKeptBytes = 1 << 20;

    private readonly ByKey _order;
    private byte[] _bytes = new byte[1024];
    private int _used;
    private Entry[] _entries = new Entry[16];
    private int _count;

    public CommitKeyArena() => _order = new ByKey(this);

    public int Count => _count;

    /// <summary>Copies <paramref name="key"/> into the arena (the span may be a reused buffer: it is not kept).</summary>
    public void Add(ReadOnlySpan<byte> key, TItem item)
    {
        if (_bytes.Length - _used < key.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + key.Length));
        key.CopyTo(_bytes.AsSpan(_used));
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = new Entry { Offset = _used, Length = key.Length, Item = item };
        _used += key.Length;
    }

    /// <summary>Sorts the writes by key bytes (RocksDB's bytewise order); entries move, key bytes stay where they are.</summary>
    public void Sort() => Array.Sort(_entries, 0, _count, _order);

    /// <summary>The i-th key's bytes: valid until the next <see cref="Add"/> or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Key(int i) => _bytes.AsSpan(_entries[i].Offset, _entries[i].Length);

    public ref TItem Item(int i) => ref _entries[i].Item;

    public void Clear()
    {
        Array.Clear(_entries, 0, _count); // the items hold the written values: no reference outlives the commit
        _count = 0;
        _used = 0;
        if (_bytes.Length > MaxKeptBytes) _bytes = new byte[1024];
    }

    private struct Entry
    {
        public int Offset;
        public int Length;
        public TItem Item;
    }

    private sealed class ByKey(CommitKeyArena<TItem> arena) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y) =>
            arena._bytes.AsSpan(x.Offset, x.Length).SequenceCompareTo(arena._bytes.AsSpan(y.Offset, y.Length));
    }
}
