using Braid.Internal;
using Braid.Internal.Runtime;
using CsCheck;

namespace Braid.Embedded.Tests;

/// <summary>
/// The partition group's ring buffer (<see cref="RecordQueue"/>) against a from-scratch model, <see cref="Queue{T}"/>:
/// random runs of fetches (appends of 0–40 records), dequeues and clears, so appends wrap around the array's end and the
/// array grows while wrapped. Every record is distinct (its offset), so a lost, repeated or reordered record shows.
/// </summary>
public sealed class RecordQueueTests
{
    private abstract record Op;
    private sealed record Fetch(int Count) : Op;
    private sealed record Take(int Count) : Op;
    private sealed record Drop : Op;

    private static readonly Gen<Op> Ops = Gen.Frequency(
        (6, Gen.Int[0, 40].Select(n => (Op)new Fetch(n))),
        (6, Gen.Int[1, 40].Select(n => (Op)new Take(n))),
        (1, Gen.Const((Op)new Drop())));

    [Fact]
    public void FetchesDequeuesAndClears_GiveTheRecordsAQueueWould_InOrder()
    {
        Ops.Array[1, 60].Sample(ops =>
        {
            var queue = new RecordQueue();
            var model = new Queue<RawRecord>();
            long offset = 0;
            foreach (var op in ops)
            {
                switch (op)
                {
                    case Fetch f:
                        var batch = Enumerable.Range(0, f.Count).Select(_ => Record(offset++)).ToList();
                        queue.AddRange(batch);
                        foreach (var r in batch) model.Enqueue(r);
                        break;
                    case Take t:
                        for (int i = 0; i < t.Count && model.Count > 0; i++)
                        {
                            Assert.Equal(model.Peek().Timestamp, queue.HeadTimestamp);
                            Assert.Equal(model.Dequeue(), queue.Dequeue());
                        }
                        break;
                    case Drop:
                        queue.Clear();
                        model.Clear();
                        break;
                }
                Assert.Equal(model.Count, queue.Count);
                if (model.Count > 0) Assert.Equal(model.Peek().Timestamp, queue.HeadTimestamp);
            }
            while (model.Count > 0) Assert.Equal(model.Dequeue(), queue.Dequeue());
            Assert.Equal(0, queue.Count);
        }, iter: 2000, print: ops => string.Join(" ", ops.Select(o => o.ToString())));
    }

    // Timestamps descend as offsets ascend, so a head read from the wrong slot shows in HeadTimestamp too.
    private static RawRecord Record(long offset) => new("t", 0, offset, [(byte)offset], null, 1_000_000 - offset, null);
}
