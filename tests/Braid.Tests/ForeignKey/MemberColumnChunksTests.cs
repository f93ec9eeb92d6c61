using Braid.Internal.Aggregations;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A Collect page's chunked member column (issue 19, s14-tlc: chunks of at most <see cref="MemberColumn{T}.ChunkSize"/>
/// members, each with its sort keys) against a <c>List</c> model, over groups several chunks long: runs of front inserts
/// (a newest-first timeline's new lines), end inserts, middle inserts, removals anywhere and splits. After every step
/// the members, positional reads, each chunk's keys (asked for once, then kept by the edits: a chunk split carries
/// them) and the chunk layout (no chunk empty or over size, starts consistent) are checked. CsCheck prints the seed.
/// </summary>
public sealed class MemberColumnChunksTests
{
    private const int Size = MemberColumn<int>.ChunkSize;
    private static readonly Func<int, long> OrderBy = m => m * 10L;

    [Fact]
    public void AChunkedColumn_AgreesWithAListModel_ItsChunksKeepTheirKeys_AndNoChunkIsEmptyOrOverSize()
    {
        // kind: 0-3 front insert, 4-5 end insert, 6-8 middle insert, 9 front removal, 10 end removal, 11-13 middle
        // removal, 14 split (the lower part goes on), 15 a burst of Size/2 front inserts (a run of new lines).
        var op = Gen.Select(Gen.Int[0, 15], Gen.Int[0, 100_000], Gen.Int[0, 1000]);
        Gen.Select(Gen.Int[0, 3 * Size], op.Array[1, 300], Gen.Bool).Sample(t =>
        {
            var (initialCount, ops, keysFirst) = t;
            var model = Enumerable.Range(0, initialCount).ToList();
            var column = new MemberColumn<int>(new List<int>(model));
            bool keyed = keysFirst;
            if (keyed) AssertKeys(column, model);
            foreach (var (kind, pos, value) in ops)
            {
                switch (kind)
                {
                    case <= 3: Insert(0, value); break;
                    case <= 5: Insert(model.Count, value); break;
                    case <= 8: Insert(pos % (model.Count + 1), value); break;
                    case 9 when model.Count > 0: Remove(0); break;
                    case 10 when model.Count > 0: Remove(model.Count - 1); break;
                    case <= 13 when model.Count > 0: Remove(pos % model.Count); break;
                    case 14 when model.Count > 1:
                        int split = 1 + pos % (model.Count - 1);
                        var upper = column.SplitOff(split);
                        Assert.Equal(model[split..], upper);
                        model.RemoveRange(split, model.Count - split);
                        break;
                    case 15:
                        for (int i = 0; i < Size / 2; i++) Insert(0, value + i);
                        break;
                }
                Assert.Equal(model.Count, column.Count);
                Assert.Equal(model, column);
                if (model.Count > 0) Assert.Equal(model[pos % model.Count], column[pos % model.Count]);
                AssertLayout(column);
                if (keyed) AssertKeys(column, model);
                keyed |= kind == 15;
            }
            var copy = new int[model.Count + 2];
            int from = model.Count > 0 ? ops.Length % model.Count : 0;
            column.CopyTo(from, copy, 1, model.Count - from);
            Assert.Equal(model.Skip(from), copy.Skip(1).Take(model.Count - from));

            void Insert(int at, int value)
            {
                column.Insert(at, value);
                model.Insert(at, value);
            }

            void Remove(int at)
            {
                column.RemoveAt(at);
                model.RemoveAt(at);
            }
        }, iter: 300);
    }

    private static void AssertKeys(MemberColumn<int> column, List<int> model)
    {
        var keys = new List<long>();
        for (int c = 0; c < column.ChunkCount; c++) keys.AddRange(column.ChunkKeys(c, OrderBy).ToArray());
        Assert.Equal(model.Select(OrderBy), keys);
    }

    private static void AssertLayout(MemberColumn<int> column)
    {
        int at = 0;
        for (int c = 0; c < column.ChunkCount; c++)
        {
            int n = column.ChunkLength(c);
            Assert.Equal(at, column.ChunkStart(c));
            Assert.InRange(n, column.Count == 0 ? 0 : 1, Size);
            at += n;
        }
        Assert.Equal(column.Count, at);
    }
}
