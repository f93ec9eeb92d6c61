using System.Numerics;
using System.Runtime.CompilerServices;

namespace Braid.Internal.Aggregations;

/// <summary>
/// Arrays that a Collect's <see cref="MemberColumn{T}"/>s (or their sort keys) outgrew, kept by the Collect for the next
/// of its columns that grows into the same length. A column doubles when nearly full, so each group allocates ~2× its final capacity over its life
/// and drops all but the last array (issue 19: the timeline driver's member and key arrays were ~960 B/event, ~2.9× the
/// members they hold). Groups grow at different speeds, so one group's outgrown array is often the length another needs next.
/// <para>Safety: an array is handed back only by the column that owned it, at the moment it stops referencing it (the
/// column is edited on one thread; nothing else holds its arrays — reads copy out, a span over the keys lives within one
/// search), and is taken by exactly one new owner (a pop). Arrays holding references are cleared before they are kept,
/// so a kept array keeps no member alive and a renter sees only default slots.</para>
/// <para>Bounded: at most <see cref="MaxBytes"/> per Collect and element type, lengths 8·2^k only (the growth rule's);
/// other lengths, and arrays past the bound, are left to the GC. What is kept is what the Collect's groups outgrew, less
/// than their current arrays (a doubling group's earlier arrays add up to less than its last), so it at most doubles the
/// columns' memory. One per Collect (not per thread): its groups' drops serve its own later growth, nothing outlives the
/// Collect, and a benchmark pass cannot inherit the previous pass's arrays (a per-thread pool measured −450 B/event, of
/// which −310 B was that inheritance, issue 19 s18-tl).</para>
/// </summary>
internal sealed class ColumnArrays<T>
{
    /// <summary>Kept bytes, all lengths together.</summary>
    internal const long MaxBytes = 16L << 20;

    private readonly Stack<T[]>?[] _kept = new Stack<T[]>?[28];
    private long _bytes;

    /// <summary>Arrays handed out again instead of allocated (tests).</summary>
    internal long Reused { get; private set; }

    /// <summary>
    /// An array of <paramref name="length"/>: a kept one when there is one. Slots of a type with references are all default;
    /// a kept array of a type without references (a sort key such as <c>(long, long)</c>) may hold its last owner's values
    /// (not cleared: the column writes a slot before it reads it, as it reads only its own range).
    /// </summary>
    public T[] Rent(int length)
    {
        int b = Bucket(length);
        if (b >= 0 && _kept[b] is { Count: > 0 } kept)
        {
            Reused++;
            var a = kept.Pop();
            _bytes -= (long)a.Length * Unsafe.SizeOf<T>();
            return a;
        }
        return new T[length];
    }

    /// <summary>
    /// Takes back <paramref name="array"/>, which its owner no longer references; only
    /// <paramref name="count"/> slots from <paramref name="from"/> may be non-default (the column clears the rest).
    /// </summary>
    public void Return(T[] array, int from, int count)
    {
        int b = Bucket(array.Length);
        if (b < 0) return;
        long bytes = (long)array.Length * Unsafe.SizeOf<T>();
        if (_bytes + bytes > MaxBytes) return;
        var kept = _kept[b] ??= new Stack<T[]>();
        _bytes += bytes;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) Array.Clear(array, from, count);
        kept.Push(array);
    }

    // Lengths 8·2^k (the growth rule's, see MemberColumn.Relayout) → k; any other → -1.
    private static int Bucket(int length)
    {
        if (length < 8 || !BitOperations.IsPow2(length)) return -1;
        int k = BitOperations.Log2((uint)length) - 3;
        return k < 28 ? k : -1;
    }
}
