using System.Runtime.CompilerServices;

namespace Braid.Internal.Aggregations;

/// <summary>
/// Typed sort keys of a <see cref="MemberColumn{T}"/> (see <see cref="MemberKeyColumn{T}"/>): one struct array, so a
/// Collect's binary search over a ~1,200-member group reads keys from contiguous memory (issue 19: probing members
/// through their references was ~31% of the driver's timeline loop, a cache miss and a delegate call per probe).
/// A member's key is computed once, when it is inserted (or when the keys are first asked for).
/// </summary>
internal sealed class MemberKeys<T, TSort>(Func<T, TSort> orderBy, int capacity, ColumnArrays<TSort>? arrays = null) : MemberKeyColumn<T>
{
    // Growth goes through the Collect's arrays when given (see ColumnArrays): the keys' arrays are the largest it drops.
    private TSort[] _keys = capacity == 0 ? [] : arrays?.Rent(capacity) ?? new TSort[capacity];

    public Func<T, TSort> OrderBy => orderBy;

    public ReadOnlySpan<TSort> Span(int head, int count) => _keys.AsSpan(head, count);

    public override void Set(int slot, T member) => _keys[slot] = orderBy(member);

    public override void Move(int from, int to, int length) => Array.Copy(_keys, from, _keys, to, length);

    public override void Relayout(int capacity, int oldHead, int newHead, int count)
    {
        var keys = capacity == _keys.Length ? _keys : arrays?.Rent(capacity) ?? new TSort[capacity];
        Array.Copy(_keys, oldHead, keys, newHead, count);
        if (!ReferenceEquals(keys, _keys)) arrays?.Return(_keys, oldHead, count);
        else if (RuntimeHelpers.IsReferenceOrContainsReferences<TSort>()) MemberColumn<T>.ClearVacated(keys, oldHead, newHead, count);
        _keys = keys;
    }

    public override void Clear(int slot, int length)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TSort>()) Array.Clear(_keys, slot, length);
    }
}
