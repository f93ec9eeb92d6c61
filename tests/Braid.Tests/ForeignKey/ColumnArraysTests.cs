using System.Reflection;
using Braid.Internal.Aggregations;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A Collect's outgrown member and sort-key arrays (issue 19, s18-tl: <see cref="ColumnArrays{T}"/>) are handed to its next
/// growing column: several columns sharing one set of arrays must each still agree with a <c>List</c> model, never share
/// an array, and never see (or keep alive) a former owner's members. CsCheck prints the seed of a failing case.
/// </summary>
public sealed class ColumnArraysTests
{
    private static readonly Func<string, (int, string)> OrderBy = m => (m.Length, m);
    private static readonly FieldInfo Items = typeof(MemberColumn<string>).GetField("_items", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo Head = typeof(MemberColumn<string>).GetField("_head", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo KeysField = typeof(MemberColumn<string>).GetField("_keys", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo KeyArray = typeof(MemberKeys<string, (int, string)>).GetField("_keys", BindingFlags.NonPublic | BindingFlags.Instance)!;

    [Fact]
    public void ColumnsSharingTheirOutgrownArrays_EachAgreeWithAListModel_AndNeverShareAnArray()
    {
        // op: column, kind (0-5 insert at the front / end / inside, 6-7 remove inside, 8 ask for the keys), position, value.
        var op = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 8], Gen.Int[0, 1000], Gen.String[Gen.Char['a', 'd'], 0, 4]);
        long reused = 0;
        op.Array[1, 600].Sample(ops =>
        {
            var arrays = new ColumnArrays<string>();
            var keyArrays = new ColumnArrays<(int, string)>();
            var columns = Enumerable.Range(0, 5).Select(_ => new MemberColumn<string>()).ToArray();
            var models = Enumerable.Range(0, 5).Select(_ => new List<string>()).ToArray();
            var keyed = new bool[5];
            foreach (var (c, kind, pos, value) in ops)
            {
                var (column, model) = (columns[c], models[c]);
                switch (kind)
                {
                    case <= 5:
                        int at = kind <= 1 ? 0 : kind <= 3 ? model.Count : pos % (model.Count + 1);
                        column.Insert(at, value, arrays);
                        model.Insert(at, value);
                        break;
                    case <= 7 when model.Count > 0:
                        int from = pos % model.Count;
                        column.RemoveAt(from);
                        model.RemoveAt(from);
                        break;
                    case 8:
                        keyed[c] = true;
                        column.Keys(OrderBy, keyArrays);
                        break;
                }
                for (int i = 0; i < columns.Length; i++)
                {
                    Assert.Equal(models[i], columns[i]);
                    if (keyed[i]) Assert.Equal(models[i].Select(OrderBy).ToArray(), columns[i].Keys(OrderBy, keyArrays).ToArray());
                    AssertEmptySlotsHoldNothing(columns[i]);
                }
                AssertNoTwoColumnsShareAnArray(columns);
            }
            reused += arrays.Reused + keyArrays.Reused;
        }, iter: 300);
        Assert.True(reused > 0, "no outgrown array was ever taken again: the test did not exercise the reuse");
    }

    [Fact]
    public void AColumnsOutgrownArray_IsTheNextGrowingColumnsArray_WithoutItsFormerMembers()
    {
        var arrays = new ColumnArrays<string>();
        var a = new MemberColumn<string>();
        for (int i = 0; i < 9; i++) a.Insert(a.Count, "a" + i, arrays); // 8 slots, then 16: the 8-slot array is kept
        var outgrown = arrays.Rent(8);
        Assert.All(outgrown, s => Assert.Null(s)); // cleared when kept: holds none of a's members
        arrays.Return(outgrown, 0, 0);

        var b = new MemberColumn<string>();
        b.Insert(0, "b0", arrays); // first growth: 0 -> 8 slots, from the kept array
        Assert.Equal(2, arrays.Reused); // the Rent above, then b's growth
        Assert.Same(outgrown, Items.GetValue(b));
        Assert.Equal(["b0"], b);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => "a" + i), a);
        AssertEmptySlotsHoldNothing(b);
    }

    [Fact]
    public void KeptArrays_StopAtTheBound_AndEachIsHandedOutOnce()
    {
        var arrays = new ColumnArrays<long>();
        int length = 1 << 20; // 8 MiB each: two fit under the bound, the third is left to the GC
        Assert.Equal(16L << 20, ColumnArrays<long>.MaxBytes);
        var kept = Enumerable.Range(0, 3).Select(_ => new long[length]).ToArray();
        foreach (var k in kept) arrays.Return(k, 0, 0);
        var taken = Enumerable.Range(0, 3).Select(_ => arrays.Rent(length)).ToArray();
        Assert.Equal(2, arrays.Reused);
        Assert.Equal(3, taken.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(2, taken.Count(t => kept.Contains(t)));
        // A length the growth rule never makes is not kept.
        arrays.Return(new long[12], 0, 0);
        arrays.Rent(12);
        Assert.Equal(2, arrays.Reused);
    }

    private static void AssertNoTwoColumnsShareAnArray(MemberColumn<string>[] columns)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var c in columns)
        {
            var items = (string[])Items.GetValue(c)!;
            if (items.Length > 0) Assert.True(seen.Add(items), "two columns hold one member array");
            if (KeysField.GetValue(c) is MemberKeys<string, (int, string)> keys && KeyArray.GetValue(keys) is (int, string)[] { Length: > 0 } k)
                Assert.True(seen.Add(k), "two columns hold one sort-key array");
        }
    }

    private static void AssertEmptySlotsHoldNothing(MemberColumn<string> column)
    {
        var items = (string[])Items.GetValue(column)!;
        int head = (int)Head.GetValue(column)!;
        for (int s = 0; s < items.Length; s++)
            if (s < head || s >= head + column.Count)
                Assert.True(items[s] is null, $"slot {s} outside the members [{head}, {head + column.Count}) holds '{items[s]}'");
        if (KeysField.GetValue(column) is MemberKeys<string, (int, string)> keys)
        {
            var array = ((int, string)[])KeyArray.GetValue(keys)!;
            for (int s = 0; s < array.Length; s++)
                if (s < head || s >= head + column.Count)
                    Assert.True(array[s].Item2 is null, $"key slot {s} outside the members holds '{array[s].Item2}'");
        }
    }
}
