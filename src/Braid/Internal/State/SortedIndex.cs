namespace Braid.Internal.State;

/// <summary>
/// A sorted set for store indexes whose range reads allocate nothing: the entries live in sorted chunks of at most
/// <c>chunkSize</c> (a list of lists, the first level searched by each chunk's last entry). <see cref="From"/> finds
/// the first entry at or after a bound with two binary searches and walks forward with a struct enumerator.
/// Why not <see cref="SortedSet{T}"/>: its only range read, <c>GetViewBetween</c>, allocates a view that counts
/// the range once on creation and an enumerator stack per walk, so every prefix scan walked its range twice and
/// allocated three objects (a fifth of a foreign-key join's allocation, issue 19). Inserts and removes move at
/// most one chunk's entries. Not thread-safe; an enumerator must not outlive a change of the index.
/// </summary>
internal sealed class SortedIndex<T>(IComparer<T> comparer, int chunkSize = 256)
{
    private readonly List<List<T>> _chunks = new();

    // Emptied chunks kept for the next fill: all of them by Clear (a RocksDB store's pending index is refilled after
    // every commit), up to MaxSpareFromRemove by Remove (an index used as a queue — a stream–stream join's held
    // records are added at the end and removed from the front — empties a chunk at the front as often as it splits
    // one at the back; without reuse each split allocated a new chunk).
    private readonly Stack<List<T>> _spare = new();
    private const int MaxSpareFromRemove = 4;

    public int Count { get; private set; }

    /// <summary>Adds the entry unless an equal one (by the comparer) is present; returns whether it was added.</summary>
    public bool Add(T item)
    {
        if (_chunks.Count == 0)
        {
            var first = NewChunk();
            first.Add(item);
            _chunks.Add(first);
            Count = 1;
            return true;
        }
        int c = ChunkFor(item);
        var chunk = _chunks[c];
        int i = chunk.BinarySearch(item, comparer);
        if (i >= 0) return false;
        chunk.Insert(~i, item);
        Count++;
        if (chunk.Count > chunkSize)
        {
            // Split in halves: the upper half becomes the next chunk.
            int half = chunk.Count / 2;
            var upper = NewChunk();
            for (int j = half; j < chunk.Count; j++) upper.Add(chunk[j]);
            chunk.RemoveRange(half, chunk.Count - half);
            _chunks.Insert(c + 1, upper);
        }
        return true;
    }

    /// <summary>Removes the entry equal to <paramref name="item"/> (by the comparer); returns whether there was one.</summary>
    public bool Remove(T item)
    {
        if (_chunks.Count == 0) return false;
        int c = ChunkFor(item);
        var chunk = _chunks[c];
        int i = chunk.BinarySearch(item, comparer);
        if (i < 0) return false;
        chunk.RemoveAt(i);
        Count--;
        if (chunk.Count == 0)
        {
            _chunks.RemoveAt(c);
            if (_spare.Count < MaxSpareFromRemove) _spare.Push(chunk);
        }
        return true;
    }

    /// <summary>Removes every entry, keeping the chunks' arrays for the entries added next.</summary>
    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            chunk.Clear();
            _spare.Push(chunk);
        }
        _chunks.Clear();
        Count = 0;
    }

    // One more than chunkSize: a chunk holds chunkSize + 1 entries for a moment before it splits, and a list of
    // capacity chunkSize would double its array for that one entry.
    private List<T> NewChunk() => _spare.TryPop(out var chunk) ? chunk : new List<T>(chunkSize + 1);

    /// <summary>The entries at or after <paramref name="lowerBound"/>, in order; the caller stops at its upper bound.</summary>
    public Enumerator From(T lowerBound)
    {
        if (_chunks.Count == 0) return new Enumerator(_chunks, 0, 0);
        int c = ChunkFor(lowerBound);
        int i = _chunks[c].BinarySearch(lowerBound, comparer);
        return new Enumerator(_chunks, c, i >= 0 ? i : ~i);
    }

    /// <summary>The first chunk whose last entry is at or after <paramref name="item"/>, else the last chunk.</summary>
    private int ChunkFor(T item)
    {
        int lo = 0, hi = _chunks.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (comparer.Compare(_chunks[mid][^1], item) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Walks forward from a position (chunk, index within it).</summary>
    public struct Enumerator(List<List<T>> chunks, int chunk, int index)
    {
        private int _chunk = chunk;
        private int _index = index;

        public T Current { get; private set; } = default!;

        public bool MoveNext()
        {
            while (_chunk < chunks.Count)
            {
                var c = chunks[_chunk];
                if (_index < c.Count)
                {
                    Current = c[_index++];
                    return true;
                }
                _chunk++;
                _index = 0;
            }
            return false;
        }
    }
}
