using Braid.Internal.Aggregations;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The sort keys a <see cref="MemberColumn{T}"/> hands to a Collect's search (issue 19, s19-tld tried reading them from the
/// array the column holds, without the keys object — measured not faster, not kept; these tests pin the rule any such
/// shortcut must keep): after any run of edits — inserts at both ends and inside that grow the column
/// many times over (each growth is a new keys array), removals — and with the key function changed between reads, the
/// keys read are the current members' keys under the function asked for, in member order. Checked against a
/// <c>List</c> model after every step, with the column's outgrown arrays shared through a <see cref="ColumnArrays{T}"/>
/// or not. CsCheck prints the seed of a failing case.
/// </summary>
public sealed class MemberColumnKeysTests
{
    private static readonly Func<string, (int, string)> ByLength = m => (m.Length, m);
    private static readonly Func<string, (int, string)> ByLastChar = m => (m.Length == 0 ? -1 : m[^1], m);

    [Fact]
    public void KeysRead_AreTheMembersKeys_UnderTheFunctionAskedFor_AcrossGrowthsRemovalsAndFunctionChanges()
    {
        // kind: 0-3 front insert, 4-5 end insert, 6-8 middle insert, 9 front removal, 10 end removal, 11 middle removal,
        // 12 read the keys by length, 13 read them by last char (a different function: the keys are made anew).
        var op = Gen.Select(Gen.Int[0, 13], Gen.Int[0, 1000], Gen.String[Gen.Char['a', 'e'], 0, 3]);
        Gen.Select(Gen.String[Gen.Char['a', 'e'], 0, 3].List[0, 10], op.Array[1, 600], Gen.Bool).Sample(t =>
        {
            var (initial, ops, shared) = t;
            var arrays = shared ? new ColumnArrays<(int, string)>() : null;
            var column = new MemberColumn<string>(initial);
            var model = new List<string>(initial);
            Func<string, (int, string)>? keyedBy = null;
            foreach (var (kind, pos, value) in ops)
            {
                switch (kind)
                {
                    case <= 3: Insert(0); break;
                    case <= 5: Insert(model.Count); break;
                    case <= 8: Insert(pos % (model.Count + 1)); break;
                    case 9 when model.Count > 0: Remove(0); break;
                    case 10 when model.Count > 0: Remove(model.Count - 1); break;
                    case 11 when model.Count > 0: Remove(pos % model.Count); break;
                    case 12: keyedBy = ByLength; break;
                    case 13: keyedBy = ByLastChar; break;
                }
                if (keyedBy is not null) Assert.Equal(model.Select(keyedBy).ToArray(), column.Keys(keyedBy, arrays).ToArray());

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
        }, iter: 300);
    }

    [Fact]
    public void AGrowthAfterTheKeysWereRead_IsSeenByTheNextRead()
    {
        var column = new MemberColumn<string>();
        column.Insert(0, "a");
        Assert.Equal([(1, "a")], column.Keys(ByLength).ToArray()); // keys made in the column's first array (8 slots)
        var expected = new List<string> { "a" };
        for (int i = 0; i < 40; i++) // past 8, 16 and 32 slots: three new arrays
        {
            string m = new('b', 1 + i % 3);
            column.Insert(i % 2 == 0 ? 0 : column.Count, m);
            expected.Insert(i % 2 == 0 ? 0 : expected.Count, m);
            Assert.Equal(expected.Select(ByLength).ToArray(), column.Keys(ByLength).ToArray());
        }
    }

    [Fact]
    public void ADifferentKeyFunction_GivesItsOwnKeys_AndTheFirstOneAgainGivesTheFirstOnes()
    {
        var column = new MemberColumn<string>(["ab", "c", "dde"]);
        Assert.Equal([(2, "ab"), (1, "c"), (3, "dde")], column.Keys(ByLength).ToArray());
        Assert.Equal([((int)'b', "ab"), ((int)'c', "c"), ((int)'e', "dde")], column.Keys(ByLastChar).ToArray());
        column.Insert(1, "x");
        Assert.Equal([(2, "ab"), (1, "x"), (1, "c"), (3, "dde")], column.Keys(ByLength).ToArray());
    }
}
