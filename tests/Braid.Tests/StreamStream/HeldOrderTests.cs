using Braid.Internal.Joins;
using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.StreamStream;

/// <summary>
/// The left join's held-key order (<see cref="HeldOrder{TKey}"/>) against a from-scratch model: a sorted list of
/// (timestamp, key's serialized bytes) — the held store's order. Adds near the end, out of order and at equal
/// timestamps, pops from both ends, interleaved; the front and the back must always be the model's. Keys include
/// non-ASCII ones, whose UTF-8 byte order differs from .NET's UTF-16 ordinal order ("\uFF61" sorts before "😀" by
/// UTF-16, after it by UTF-8). On failure CsCheck prints the seed.
/// </summary>
public sealed class HeldOrderTests
{
    private static readonly string[] Keys = ["a", "b", "k10", "k9", "\uFF61", "😀", ""];

    // An operation: 0–5 add (timestamp step back 0..3 from the largest so far, or forward), 6 pop front, 7 pop back.
    private static readonly Gen<(int Op, int Step, int Key)[]> Ops = Gen.Select(Gen.Int[0, 7], Gen.Int[-3, 3], Gen.Int[0, Keys.Length - 1]).Array[1, 120];

    [Fact]
    public void FrontAndBack_AreAlwaysThoseOfTheStoresByteOrder() => Ops.Sample(ops =>
    {
        var order = new HeldOrder<string>(Serdes.String);
        var model = new List<(long Ts, byte[] Bytes, string Key)>();
        long top = 1000;
        foreach (var (op, step, k) in ops)
        {
            if (op <= 5)
            {
                long ts = Math.Max(0, top + step);
                top = Math.Max(top, ts);
                order.Add(ts, Keys[k]);
                model.Add((ts, Serdes.String.Serialize(Keys[k]), Keys[k]));
                model.Sort((x, y) => x.Ts != y.Ts ? x.Ts.CompareTo(y.Ts) : x.Bytes.AsSpan().SequenceCompareTo(y.Bytes));
            }
            else if (model.Count > 0 && op == 6)
            {
                order.RemoveFirst();
                model.RemoveAt(0);
            }
            else if (model.Count > 0)
            {
                order.RemoveLast();
                model.RemoveAt(model.Count - 1);
            }
            Assert.Equal(model.Count, order.Count);
            Assert.Equal(model.Count > 0, order.TryPeekFirst(out long firstTs, out var firstKey));
            Assert.Equal(model.Count > 0, order.TryPeekLast(out long lastTs, out var lastKey));
            if (model.Count == 0) continue;
            Assert.Equal((model[0].Ts, model[0].Key), (firstTs, firstKey));
            Assert.Equal((model[^1].Ts, model[^1].Key), (lastTs, lastKey));
        }
    }, iter: 2000, threads: 1);

    [Fact]
    public void ManyAddsAndPops_KeepOrder_AcrossGrowthAndSliding()
    {
        var order = new HeldOrder<string>(Serdes.String);
        long next = 0, popped = 0;
        // Held records arrive in order and the passes pop them: the array slides instead of growing without bound.
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 100; i++) order.Add(next++, "k");
            for (int i = 0; i < 90; i++)
            {
                Assert.True(order.TryPeekFirst(out long ts, out _));
                Assert.Equal(popped++, ts);
                order.RemoveFirst();
            }
        }
        Assert.Equal(500, order.Count);
        Assert.True(order.TryPeekLast(out long last, out _));
        Assert.Equal(next - 1, last);
    }

    [Fact]
    public void AForgottenOrder_IgnoresAdds_UntilRestarted()
    {
        var order = new HeldOrder<string>(Serdes.String);
        order.Add(5, "a");
        order.Forget();
        Assert.False(order.Known);
        order.Add(6, "b");
        Assert.Equal(0, order.Count);
        order.Restart();
        order.Add(7, "c");
        Assert.True(order.Known);
        Assert.True(order.TryPeekFirst(out long ts, out var key));
        Assert.Equal((7L, "c"), (ts, key));
    }
}
