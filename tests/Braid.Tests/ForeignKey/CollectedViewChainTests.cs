using Braid.Internal.Aggregations;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A collected list's chain of edits (<see cref="CollectedView{T}"/>) keeps its replay bound without reading its
/// predecessors on every update (issue 19, s15-tl): the bound is counted when a value is made, and a predecessor is looked
/// at only at the bound, where a value some reader materialized restarts the chain instead of being copied. Values are
/// checked against lists built by the same edit rules; CsCheck prints the seed of a failing case.
/// </summary>
public sealed class CollectedViewChainTests
{
    [Fact]
    public void AnEdit_OfAValueReadAtTheBound_StartsANewChain_InsteadOfNeedingACopy()
    {
        var v = CollectedView<int>.Of([1, 2, 3]);
        for (int i = 0; i < 32; i++) v = v.With(-1, -1, 3, 0);
        Assert.True(v.ChainFull(3));
        Assert.Equal([1, 2, 3], v); // read: materialized
        Assert.False(v.ChainFull(3));
        var w = v.With(0, -1, 3, 9);
        Assert.False(w.ChainFull(3)); // one edit since a materialized value, not 33
        Assert.Equal([2, 3, 9], w);
    }

    /// <summary>
    /// Edits made as the Collect makes them (a copy when the chain is full) and, past the bound, as any caller may
    /// (<see cref="CollectedView{T}.With"/> has no precondition), with reads at random: every value, read at any time
    /// and in any order, holds the members it had when it was made.
    /// </summary>
    [Fact]
    public void EveryValue_HoldsItsMembers_AcrossReadsCopiesAndChainsPastTheBound()
    {
        var op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[0, 1000]);
        op.Array[1, 160].Sample(ops =>
        {
            var view = CollectedView<int>.Of([1, 2, 3]);
            var list = new List<int> { 1, 2, 3 };
            var made = new List<(CollectedView<int> View, int[] Expected)> { (view, list.ToArray()) };
            foreach (var (kind, a, b, value) in ops)
            {
                if (kind == 0)
                {
                    var (old, expected) = made[a % made.Count]; // a read of an earlier value
                    Assert.Equal(expected, old);
                    continue;
                }
                // One edit by the rules of CollectedView.With: remove, insert, then trim to count or append the value.
                int removeAt = list.Count > 0 && a % 3 != 0 ? a % list.Count : -1;
                if (removeAt >= 0) list.RemoveAt(removeAt);
                int insertAt = b % 3 != 0 ? b % (list.Count + 1) : -1;
                if (insertAt >= 0) list.Insert(insertAt, value);
                int count = Math.Min(list.Count + (insertAt < 0 ? 1 : 0), Math.Max(1, value % 6));
                if (list.Count > count) list.RemoveRange(count, list.Count - count);
                else if (list.Count < count) list.Add(value);
                // kind 1..6: as the Collect (a copy when full); 7..9: an edit whatever the chain's length.
                view = kind <= 6 && view.ChainFull(count) ? CollectedView<int>.Of(list.ToArray()) : view.With(removeAt, insertAt, count, value);
                made.Add((view, list.ToArray()));
            }
            for (int i = made.Count - 1; i >= 0; i--) Assert.Equal(made[i].Expected, made[i].View);
        }, iter: 300);
    }
}
