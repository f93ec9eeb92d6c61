namespace Braid.Internal.Aggregations;

/// <summary>
/// The sort keys beside a <see cref="MemberColumn{T}"/>'s members (<see cref="MemberKeys{T,TSort}"/> holds them typed):
/// the column edits both arrays with the same moves, so a key always sits in its member's slot.
/// </summary>
internal abstract class MemberKeyColumn<T>
{
    /// <summary>Computes and stores the key of <paramref name="member"/> at <paramref name="slot"/>.</summary>
    public abstract void Set(int slot, T member);

    /// <summary>Moves <paramref name="length"/> keys from slot <paramref name="from"/> to <paramref name="to"/> (overlap allowed).</summary>
    public abstract void Move(int from, int to, int length);

    /// <summary>The column's new layout: <paramref name="count"/> keys from <paramref name="oldHead"/> to <paramref name="newHead"/>, in an array of <paramref name="capacity"/>.</summary>
    public abstract void Relayout(int capacity, int oldHead, int newHead, int count);

    /// <summary>Forgets the keys of <paramref name="length"/> freed slots from <paramref name="slot"/>: a key that holds
    /// references (SQL's <c>array_agg</c> orders by the row itself) must not keep a removed member alive (review, s12).</summary>
    public abstract void Clear(int slot, int length);
}
