using Braid.Internal.Joins;
using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.StreamStream;

/// <summary>
/// The held order's live entries (session 17: a hold, a match and an emit pass ask the order, not the store, whether a
/// key is held and what it holds) against a from-scratch model: a list of (timestamp, key, values or dead). Holds at
/// recent and equal timestamps (a key held again after a match at the same timestamp), matches of held and never-held
/// records, pops at both ends; after every step <see cref="HeldOrder{TKey}.FindLive"/> must find exactly the model's
/// live entry of every (timestamp, key) and hand back its values. On failure CsCheck prints the seed.
/// </summary>
public sealed class HeldOrderLivenessTests
{
    private static readonly string[] Keys = ["a", "b", "k10", "k9", "\uFF61", "😀"];

    // 0–3 hold (timestamp back 0..2 from the newest so far, or one forward), 4–5 match, 6 pop front, 7 pop back.
    private static readonly Gen<(int Op, int Step, int Key)[]> Ops = Gen.Select(Gen.Int[0, 7], Gen.Int[-2, 1], Gen.Int[0, Keys.Length - 1]).Array[1, 150];

    private sealed class Model
    {
        public readonly List<(long Ts, byte[] Bytes, string Key, object? Values)> Entries = new();

        public int FindLive(long ts, string key) => Entries.FindIndex(e => e.Ts == ts && e.Key == key && e.Values is not null);
    }

    [Fact]
    public void FindLive_IsTheModelsLiveEntry_AfterHoldsMatchesAndPops() => Ops.Sample(ops =>
    {
        var order = new HeldOrder<string>(Serdes.String);
        var model = new Model();
        long top = 100;
        foreach (var (op, step, k) in ops)
        {
            string key = Keys[k];
            long ts = Math.Max(0, top + step);
            if (op <= 3)
            {
                top = Math.Max(top, ts);
                // As StreamStreamJoin.Hold: a live entry gets the value, otherwise a new entry is added.
                if (order.FindLive(ts, key) >= 0) continue;
                var values = new object();
                order.Add(ts, key, values);
                // After every entry that does not sort after it: a key held again follows its dead entry (a stable order).
                var bytes = Serdes.String.Serialize(key);
                int pos = model.Entries.FindLastIndex(x => x.Ts < ts || (x.Ts == ts && x.Bytes.AsSpan().SequenceCompareTo(bytes) <= 0)) + 1;
                model.Entries.Insert(pos, (ts, bytes, key, values));
            }
            else if (op <= 5)
            {
                int at = order.FindLive(ts, key);
                int m = model.FindLive(ts, key);
                Assert.Equal(m >= 0, at >= 0);
                if (at < 0) continue;
                order.Kill(at);
                model.Entries[m] = model.Entries[m] with { Values = null };
            }
            else if (model.Entries.Count > 0)
            {
                int at = op == 6 ? 0 : model.Entries.Count - 1;
                Assert.Same(model.Entries[at].Values, order.ValuesAt(at == 0 ? 0 : order.Count - 1));
                if (op == 6) order.RemoveFirst();
                else order.RemoveLast();
                model.Entries.RemoveAt(at);
            }
            Assert.Equal(model.Entries.Count, order.Count);
            for (long t = top - 3; t <= top + 1; t++)
                foreach (var key2 in Keys)
                {
                    int m = model.FindLive(t, key2);
                    int at = order.FindLive(t, key2);
                    Assert.Equal(m >= 0, at >= 0);
                    if (m >= 0) Assert.Same(model.Entries[m].Values, order.ValuesAt(at));
                }
        }
    }, iter: 1500, threads: 1);

    [Fact]
    public void AKeyHeldAgainAfterAMatch_AtTheSameTimestamp_HasADeadAndALiveEntry()
    {
        var order = new HeldOrder<string>(Serdes.String);
        object first = new(), second = new();
        order.Add(7, "k", first);
        order.Kill(order.FindLive(7, "k"));
        Assert.Equal(-1, order.FindLive(7, "k"));
        order.Add(7, "k", second);
        Assert.Equal(2, order.Count);
        Assert.Null(order.ValuesAt(0));
        Assert.Same(second, order.ValuesAt(order.FindLive(7, "k")));
    }
}
