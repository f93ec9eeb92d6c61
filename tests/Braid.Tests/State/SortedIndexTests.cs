using Braid.Internal.State;
using CsCheck;

namespace Braid.Tests.State;

/// <summary>
/// <see cref="SortedIndex{T}"/> (the in-memory ordered key index behind range and prefix scans) against
/// <see cref="SortedSet{T}"/>: random adds, removes and range reads, with chunks of 4 so that splits and emptied
/// chunks happen within a few dozen operations. On failure CsCheck prints the seed; replay with
/// <c>.Sample(..., seed: "&lt;seed&gt;")</c>.
/// </summary>
public class SortedIndexTests
{
    [Fact]
    public void AddsRemovesAndRangeReads_AgreeWithSortedSet()
    {
        // kind 0–4: add, 5–7: remove, 8–9: range [a, b] read through From.
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 60], Gen.Int[0, 60]).Array[1, 300].Sample(ops =>
        {
            var index = new SortedIndex<int>(Comparer<int>.Default, chunkSize: 4);
            var model = new SortedSet<int>();
            foreach (var (kind, a, b) in ops)
            {
                if (kind <= 4) Assert.Equal(model.Add(a), index.Add(a));
                else if (kind <= 7) Assert.Equal(model.Remove(a), index.Remove(a));
                else
                {
                    var read = new List<int>();
                    for (var walk = index.From(a); walk.MoveNext() && walk.Current <= b;) read.Add(walk.Current);
                    Assert.Equal(model.Where(x => x >= a && x <= b), read);
                }
                Assert.Equal(model.Count, index.Count);
            }
            var all = new List<int>();
            for (var walk = index.From(int.MinValue); walk.MoveNext();) all.Add(walk.Current);
            Assert.Equal(model, all);
        }, iter: 300);
    }

    [Fact]
    public void ClearThenRefill_ReusesChunks_AndStillAgreesWithSortedSet()
    {
        // kind 0–6: add, 7–8: remove, 9: clear (a RocksDB store's pending index after each commit); all read after each op.
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 60]).Array[1, 200].Sample(ops =>
        {
            var index = new SortedIndex<int>(Comparer<int>.Default, chunkSize: 4);
            var model = new SortedSet<int>();
            foreach (var (kind, a) in ops)
            {
                if (kind <= 6) Assert.Equal(model.Add(a), index.Add(a));
                else if (kind <= 8) Assert.Equal(model.Remove(a), index.Remove(a));
                else
                {
                    index.Clear();
                    model.Clear();
                }
                var all = new List<int>();
                for (var walk = index.From(int.MinValue); walk.MoveNext();) all.Add(walk.Current);
                Assert.Equal(model, all);
                Assert.Equal(model.Count, index.Count);
            }
        }, iter: 300);
    }

    [Fact]
    public void UsedAsAQueue_ReusesEmptiedChunks_AndStillAgreesWithSortedSet()
    {
        // A stream–stream join's held records: appended at the back (mostly in order), removed from the front, with
        // some removed from the middle (matched); emptied chunks are reused by later splits. Read after each op.
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 8]).Array[1, 300].Sample(ops =>
        {
            var index = new SortedIndex<int>(Comparer<int>.Default, chunkSize: 4);
            var model = new SortedSet<int>();
            int next = 0;
            foreach (var (kind, a) in ops)
            {
                if (kind <= 4) Assert.Equal(model.Add(next + a), index.Add(next++ + a));
                else if (kind <= 7 && model.Count > 0)
                {
                    int min = model.Min;
                    Assert.Equal(model.Remove(min), index.Remove(min));
                }
                else Assert.Equal(model.Remove(next - a), index.Remove(next - a));
                var all = new List<int>();
                for (var walk = index.From(int.MinValue); walk.MoveNext();) all.Add(walk.Current);
                Assert.Equal(model, all);
                Assert.Equal(model.Count, index.Count);
            }
        }, iter: 300);
    }

    [Fact]
    public void UsedAsAQueue_AllocatesNoChunks_OnceWarm()
    {
        var index = new SortedIndex<long>(Comparer<long>.Default, chunkSize: 4);
        long next = 0;
        void Step()
        {
            index.Add(next);
            if (next >= 100) Assert.True(index.Remove(next - 100));
            next++;
        }
        for (int i = 0; i < 1_000; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 10,000 adds split a chunk every other add: without reuse ~5,000 new chunks (hundreds of KB).
        Assert.True(allocated < 4_096, $"allocated {allocated} bytes");
    }

    [Fact]
    public void From_PastTheLastEntry_ReadsNothing_AndAnEmptyIndexReadsNothing()
    {
        var index = new SortedIndex<int>(Comparer<int>.Default, chunkSize: 4);
        Assert.False(index.From(0).MoveNext());
        for (int i = 0; i < 20; i++) index.Add(i * 2);
        Assert.False(index.From(39).MoveNext());
        var walk = index.From(37);
        Assert.True(walk.MoveNext());
        Assert.Equal(38, walk.Current);
    }
}
