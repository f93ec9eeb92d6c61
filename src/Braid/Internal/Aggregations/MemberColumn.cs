using System.Collections;

namespace Braid.Internal.Aggregations;

/// <summary>
/// A <see cref="MemberPage{T}"/>'s members in order, in chunks of at most <see cref="ChunkSize"/> (each a
/// <see cref="MemberChunk{T}"/>: a small deque, with its members' sort keys beside them when asked for). A group that
/// grows past one chunk gets a new chunk — a full one splits, or a new chunk opens at the end an insert reached — and
/// nothing already stored is copied to a larger array again.
/// <para>Why chunks (issue 19, s14-tlc): an in-memory Collect keeps every member of a group so that removing a shown member
/// can promote the next (a timeline follower holds ~1,200–1,650 lines behind its 50 shown). As one array doubling from
/// empty, each group's members and their 16-byte sort keys were allocated ~2.7 times over before the group stopped
/// growing: 593 B of key arrays and ~300 B of member arrays per timeline event, and the gen0 memory they took fresh
/// (page faults, zeroing) was ~8 % of the driver's timeline profile. Chunks are allocated once at their final size
/// (except a group's first chunk, which grows from 8 while the group is small), so the members and keys are
/// allocated ~1.3 times over, and an insert moves at most half a chunk.</para>
/// <para>Not thread-safe: a page is edited and read on its task's thread.</para>
/// </summary>
internal sealed class MemberColumn<T> : IReadOnlyList<T>
{
    /// <summary>Members per chunk at most.</summary>
    internal const int ChunkSize = 128;

    private readonly List<MemberChunk<T>> _chunks = new();
    private readonly List<int> _starts = new(); // index of each chunk's first member

    public MemberColumn()
    {
        _chunks.Add(new MemberChunk<T>());
        _starts.Add(0);
    }

    public MemberColumn(List<T> members)
    {
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(members);
        for (int at = 0; at < all.Length || _chunks.Count == 0; at += ChunkSize)
        {
            _chunks.Add(new MemberChunk<T>(all.Slice(at, Math.Min(ChunkSize, all.Length - at))));
            _starts.Add(at);
        }
        Count = all.Length;
    }

    public int Count { get; private set; }

    /// <summary>How many chunks hold the members (1 for an empty column).</summary>
    public int ChunkCount => _chunks.Count;

    /// <summary>How many members chunk <paramref name="chunk"/> holds.</summary>
    public int ChunkLength(int chunk) => _chunks[chunk].Count;

    /// <summary>The index of chunk <paramref name="chunk"/>'s first member.</summary>
    public int ChunkStart(int chunk) => _starts[chunk];

    /// <summary>The members' sort keys of chunk <paramref name="chunk"/>, in order (see <see cref="MemberChunk{T}.Keys{TSort}"/>).</summary>
    public ReadOnlySpan<TSort> ChunkKeys<TSort>(int chunk, Func<T, TSort> orderBy) => _chunks[chunk].Keys(orderBy);

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            int c = Locate(index);
            return _chunks[c][index - _starts[c]];
        }
    }

    public void Insert(int index, T value)
    {
        if ((uint)index > (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        int c = Locate(index);
        var chunk = _chunks[c];
        int at = index - _starts[c];
        if (chunk.Count == ChunkSize)
        {
            // A full chunk: an insert at either end of it opens a new chunk there (members that arrive in order — a
            // timeline's new lines at the front, an ascending array_agg at the back — then fill whole chunks); inside, the
            // upper half moves to a new chunk. New chunks get their full size at once: they are where the group grows.
            if (at == 0) AddChunk(c, new MemberChunk<T>(ChunkSize), _starts[c]);
            else if (at == ChunkSize)
            {
                AddChunk(++c, new MemberChunk<T>(ChunkSize), _starts[c - 1] + ChunkSize);
                at = 0;
            }
            else
            {
                int half = ChunkSize / 2;
                AddChunk(c + 1, chunk.SplitOff(half, ChunkSize), _starts[c] + half);
                if (at > half)
                {
                    c++;
                    at -= half;
                }
            }
            chunk = _chunks[c];
        }
        chunk.Insert(at, value);
        Shift(c + 1, +1);
        Count++;
    }

    public void RemoveAt(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        int c = Locate(index);
        var chunk = _chunks[c];
        chunk.RemoveAt(index - _starts[c]);
        Count--;
        if (chunk.Count == 0 && _chunks.Count > 1)
        {
            _chunks.RemoveAt(c);
            _starts.RemoveAt(c);
            Shift(c, -1);
        }
        else Shift(c + 1, -1);
    }

    /// <summary>Moves the members from <paramref name="from"/> on to a new column (without sort keys), returned.</summary>
    public MemberColumn<T> SplitOff(int from)
    {
        if ((uint)from > (uint)Count) throw new ArgumentOutOfRangeException(nameof(from));
        var moved = new List<T>(Count - from);
        for (int i = from; i < Count; i++) moved.Add(this[i]);
        for (int i = Count - 1; i >= from; i--) RemoveAt(i);
        return new MemberColumn<T>(moved);
    }

    public void CopyTo(int index, T[] array, int arrayIndex, int count)
    {
        if (index < 0 || count < 0 || index + count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        for (int c = Locate(index); count > 0; c++)
        {
            var chunk = _chunks[c];
            int offset = index - _starts[c];
            int n = Math.Min(count, chunk.Count - offset);
            chunk.CopyTo(offset, array, arrayIndex, n);
            index += n;
            arrayIndex += n;
            count -= n;
        }
    }

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var chunk in _chunks)
            for (int i = 0; i < chunk.Count; i++) yield return chunk[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The chunk holding <paramref name="index"/> (for <paramref name="index"/> = Count: the last chunk).</summary>
    private int Locate(int index)
    {
        // The front first: a capped view's shown members (and a newest-first timeline's new lines) are there.
        if (index < _chunks[0].Count || _chunks.Count == 1) return 0;
        int lo = 1, hi = _starts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (_starts[mid] <= index) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private void AddChunk(int at, MemberChunk<T> chunk, int start)
    {
        _chunks.Insert(at, chunk);
        _starts.Insert(at, start);
    }

    private void Shift(int fromChunk, int by)
    {
        var starts = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_starts);
        for (int c = fromChunk; c < starts.Length; c++) starts[c] += by;
    }
}
