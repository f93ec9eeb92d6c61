using System.Runtime.InteropServices;

namespace Braid.Internal.Runtime;

/// <summary>
/// One input's buffered records, oldest first: a ring over one array (<see cref="PartitionGroup"/>'s queue per partition).
/// Record choice reads every input's head timestamp per record; <see cref="Queue{T}.Peek"/> copied the whole
/// <see cref="RawRecord"/> (seven fields) for it, and the fetch then the dequeue copied each record once more than needed
/// (issue 19, session 15: the partition group was the embedded stream thread's largest own cost, ~3 % of a stream–stream
/// left pass). Here the head's timestamp is read in place, a fetch is copied in as one block, and a dequeued slot is
/// cleared so its arrays are not kept alive by the buffer.
/// </summary>
internal sealed class RecordQueue
{
    private RawRecord[] _items = new RawRecord[16];
    private int _head;

    /// <summary>Records buffered.</summary>
    public int Count { get; private set; }

    /// <summary>The timestamp of the oldest record; only while <see cref="Count"/> &gt; 0.</summary>
    public long HeadTimestamp => _items[_head].Timestamp;

    /// <summary>Appends <paramref name="records"/> in order.</summary>
    public void AddRange(List<RawRecord> records)
    {
        var from = CollectionsMarshal.AsSpan(records);
        if (Count + from.Length > _items.Length) Grow(Count + from.Length);
        int tail = (_head + Count) % _items.Length;
        int first = Math.Min(from.Length, _items.Length - tail);
        from[..first].CopyTo(_items.AsSpan(tail));
        from[first..].CopyTo(_items); // wrapped around: the rest from the array's start
        Count += from.Length;
    }

    /// <summary>Takes the oldest record; only while <see cref="Count"/> &gt; 0.</summary>
    public RawRecord Dequeue()
    {
        ref var slot = ref _items[_head];
        var record = slot;
        slot = default;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        Count--;
        return record;
    }

    /// <summary>Drops every record.</summary>
    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }

    /// <summary>A larger array holding the records from index 0, oldest first.</summary>
    private void Grow(int needed)
    {
        var bigger = new RawRecord[Math.Max(needed, _items.Length * 2)];
        int first = Math.Min(Count, _items.Length - _head);
        _items.AsSpan(_head, first).CopyTo(bigger);
        _items.AsSpan(0, Count - first).CopyTo(bigger.AsSpan(first));
        _items = bigger;
        _head = 0;
    }
}
