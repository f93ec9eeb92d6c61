using System.Collections;

namespace Braid.Internal.Aggregations;

/// <summary>
/// A <see cref="MemberPage{T}"/>'s members in order: one array with free room at both ends (a deque without
/// wrap-around), so an insert or a removal moves the shorter side of the list. A newest-first list whose new members are
/// the newest (a timeline's new tweet) grows at its front without moving anything; <c>List&lt;T&gt;.Insert(0, …)</c>
/// moved every member (issue 19, s10-tl's profile: ~11% of the driver's timeline loop shifting ~1,200 references per
/// new tweet). Optionally holds each member's sort key in a parallel array of the same layout
/// (<see cref="Keys{TSort}"/>), so a binary search reads contiguous keys instead of one member object per probe.
/// <para>Not thread-safe: a page is edited and read on its task's thread.</para>
/// </summary>
internal sealed class MemberColumn<T> : IReadOnlyList<T>
{
    private T[] _items;
    private int _head; // slot of member 0
    private MemberKeyColumn<T>? _keys; // parallel to _items, same slots; null until asked for

    public MemberColumn(int capacity = 0) => _items = capacity == 0 ? [] : new T[capacity];

    public MemberColumn(List<T> members) : this(members.Count)
    {
        members.CopyTo(_items);
        Count = members.Count;
    }

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            return _items[_head + index];
        }
    }

    /// <summary>
    /// The members' sort keys by <paramref name="orderBy"/>, in member order (computed for every member on first use, then
    /// kept up to date by every edit, each new member's key computed once on insertion). A different function replaces them.
    /// </summary>
    public ReadOnlySpan<TSort> Keys<TSort>(Func<T, TSort> orderBy, ColumnArrays<TSort>? arrays = null)
    {
        if (_keys is not MemberKeys<T, TSort> keys || !ReferenceEquals(keys.OrderBy, orderBy))
        {
            _keys = keys = new MemberKeys<T, TSort>(orderBy, _items.Length, arrays);
            for (int i = 0; i < Count; i++) keys.Set(_head + i, _items[_head + i]);
        }
        return keys.Span(_head, Count);
    }

    /// <summary>Inserts <paramref name="value"/> at <paramref name="index"/>; a growth takes its array from, and hands the
    /// outgrown one to, <paramref name="arrays"/> when given.</summary>
    public void Insert(int index, T value, ColumnArrays<T>? arrays = null)
    {
        if ((uint)index > (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        // Shift the shorter side; when that side has no room, make room (recentre, or grow when under a quarter is free).
        bool front = index < Count - index;
        if (front ? _head == 0 : _head + Count == _items.Length) Relayout(front, arrays);
        if (front)
        {
            Move(_head, _head - 1, index);
            _head--;
        }
        else Move(_head + index, _head + index + 1, Count - index);
        int slot = _head + index;
        _items[slot] = value;
        _keys?.Set(slot, value);
        Count++;
    }

    public void RemoveAt(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        if (index < Count - 1 - index)
        {
            Move(_head, _head + 1, index);
            _keys?.Clear(_head, 1);
            _items[_head++] = default!; // release the reference
        }
        else
        {
            Move(_head + index + 1, _head + index, Count - 1 - index);
            _items[_head + Count - 1] = default!;
            _keys?.Clear(_head + Count - 1, 1);
        }
        Count--;
    }

    /// <summary>Moves the members from <paramref name="from"/> on to a new column (without sort keys), returned.</summary>
    public MemberColumn<T> SplitOff(int from)
    {
        if ((uint)from > (uint)Count) throw new ArgumentOutOfRangeException(nameof(from));
        int n = Count - from;
        var upper = new MemberColumn<T>(n);
        Array.Copy(_items, _head + from, upper._items, 0, n);
        upper.Count = n;
        Array.Clear(_items, _head + from, n);
        _keys?.Clear(_head + from, n);
        Count = from;
        return upper;
    }

    public void CopyTo(int index, T[] array, int arrayIndex, int count)
    {
        if (index < 0 || count < 0 || index + count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        Array.Copy(_items, _head + index, array, arrayIndex, count);
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return _items[_head + i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Move(int from, int to, int length)
    {
        if (length == 0) return;
        Array.Copy(_items, from, _items, to, length);
        _keys?.Move(from, to, length);
    }

    /// <summary>
    /// After <paramref name="count"/> slots moved within <paramref name="array"/> from <paramref name="oldHead"/> to
    /// <paramref name="newHead"/>: clears the old slots outside the new range, so they hold no references (the members'
    /// array and the sort keys' array move alike).
    /// </summary>
    internal static void ClearVacated<TSlot>(TSlot[] array, int oldHead, int newHead, int count)
    {
        if (newHead > oldHead) Array.Clear(array, oldHead, Math.Min(newHead, oldHead + count) - oldHead);
        else if (newHead < oldHead)
        {
            int from = Math.Max(newHead + count, oldHead);
            Array.Clear(array, from, oldHead + count - from);
        }
    }

    /// <summary>
    /// Room at the end that ran out (<paramref name="front"/>: the front): three quarters of the free slots go there, in
    /// the same array, or in one twice as large when under a sixteenth of it is free — so a run of inserts at one end
    /// moves the list once per more than a 21st of its length in inserts (under 22 members moved per insert), and the
    /// array is grown only when nearly full, as a <c>List</c>'s (a roomier rule cost ~650 B per timeline event in
    /// growth, issue 19 s12-tl).
    /// </summary>
    private void Relayout(bool front, ColumnArrays<T>? arrays)
    {
        int capacity = (_items.Length - Count) * 16 <= _items.Length ? Math.Max(8, _items.Length * 2) : _items.Length;
        int free = capacity - Count;
        int head = front ? free - free / 4 : free / 4;
        var items = capacity == _items.Length ? _items : arrays?.Rent(capacity) ?? new T[capacity];
        Array.Copy(_items, _head, items, head, Count);
        if (ReferenceEquals(items, _items)) ClearVacated(items, _head, head, Count);
        else arrays?.Return(_items, _head, Count); // outgrown: another group's next growth may take it
        _keys?.Relayout(capacity, _head, head, Count);
        _items = items;
        _head = head;
    }
}
