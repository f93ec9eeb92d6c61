using System.Reflection;
using Braid.Internal.Aggregations;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A Collect page's member column (issue 19, s12-tl: one array with room at both ends, sort keys in a parallel array)
/// against a <c>List</c> model: random runs of front inserts (a newest-first timeline's new tweets), end inserts,
/// middle inserts, removals at either end and inside, and splits. After every step the members, their sort keys (asked
/// for once and then maintained by the edits, not recomputed) and the empty slots (which must hold no member, so a
/// removed member is not kept alive) are checked. CsCheck prints the seed of a failing case.
/// </summary>
public sealed class MemberColumnPropertyTests
{
    private static readonly Func<string, (int, string)> OrderBy = m => (m.Length, m);
    private static readonly FieldInfo Items = typeof(MemberColumn<string>).GetField("_items", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo Head = typeof(MemberColumn<string>).GetField("_head", BindingFlags.NonPublic | BindingFlags.Instance)!;

    [Fact]
    public void AColumn_AgreesWithAListModel_AcrossInsertsAtBothEndsAndInside_RemovalsAndSplits()
    {
        // kind: 0-3 front insert, 4-5 end insert, 6-7 middle insert, 8 front removal, 9 end removal, 10-11 middle removal,
        // 12 split (the lower part goes on, as a page that split keeps its first half), 13 ask for the keys anew.
        var op = Gen.Select(Gen.Int[0, 13], Gen.Int[0, 1000], Gen.String[Gen.Char['a', 'd'], 0, 4]);
        Gen.Select(Gen.String[Gen.Char['a', 'd'], 0, 4].List[0, 12], op.Array[1, 400], Gen.Bool).Sample(t =>
        {
            var (initial, ops, keysFirst) = t;
            var column = new MemberColumn<string>(initial);
            var model = new List<string>(initial);
            bool keyed = keysFirst;
            if (keyed) column.Keys(OrderBy);
            foreach (var (kind, pos, value) in ops)
            {
                switch (kind)
                {
                    case <= 3: Insert(0); break;
                    case <= 5: Insert(model.Count); break;
                    case <= 7: Insert(pos % (model.Count + 1)); break;
                    case 8 when model.Count > 0: Remove(0); break;
                    case 9 when model.Count > 0: Remove(model.Count - 1); break;
                    case <= 11 when model.Count > 0: Remove(pos % model.Count); break;
                    case 12 when model.Count > 1:
                        int from = 1 + pos % (model.Count - 1);
                        var upper = column.SplitOff(from);
                        Assert.Equal(model[from..], upper);
                        AssertEmptySlotsHoldNothing(upper);
                        model.RemoveRange(from, model.Count - from);
                        break;
                    case 13:
                        keyed = true;
                        break;
                }
                Assert.Equal(model, column);
                Assert.Equal(model.Count, column.Count);
                for (int i = 0; i < model.Count; i++) Assert.Equal(model[i], column[i]);
                if (keyed) Assert.Equal(model.Select(OrderBy).ToArray(), column.Keys(OrderBy).ToArray());
                AssertEmptySlotsHoldNothing(column);

                void Insert(int at)
                {
                    column.Insert(at, value);
                    model.Insert(at, value);
                }

                void Remove(int at)
                {
                    column.RemoveAt(at);
                    model.RemoveAt(at);
                }
            }
            var copy = new string[model.Count];
            column.CopyTo(0, copy, 0, model.Count);
            Assert.Equal(model, copy);
        }, iter: 400);
    }

    [Fact]
    public void OutOfRangePositions_AreRefused()
    {
        var column = new MemberColumn<string>(["a", "b"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => column[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => column[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => column.Insert(3, "c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => column.RemoveAt(2));
        column.RemoveAt(0);
        column.RemoveAt(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => column[0]); // the array still has slots: the count decides
    }

    private static void AssertEmptySlotsHoldNothing(MemberColumn<string> column)
    {
        var items = (string[])Items.GetValue(column)!;
        int head = (int)Head.GetValue(column)!;
        for (int s = 0; s < items.Length; s++)
            if (s < head || s >= head + column.Count)
                Assert.True(items[s] is null, $"slot {s} outside the members [{head}, {head + column.Count}) still holds '{items[s]}'");
        // The sort keys ((int, string): they hold the member's string) must not keep removed members alive either (review, s12).
        if (KeysField.GetValue(column) is MemberKeys<string, (int, string)> keys)
        {
            var array = ((int, string)[])KeyArray.GetValue(keys)!;
            for (int s = 0; s < array.Length; s++)
                if (s < head || s >= head + column.Count)
                    Assert.True(array[s].Item2 is null, $"key slot {s} outside the members [{head}, {head + column.Count}) still holds '{array[s].Item2}'");
        }
    }

    private static readonly System.Reflection.FieldInfo KeysField =
        typeof(MemberColumn<string>).GetField("_keys", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    private static readonly System.Reflection.FieldInfo KeyArray =
        typeof(MemberKeys<string, (int, string)>).GetField("_keys", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
}
