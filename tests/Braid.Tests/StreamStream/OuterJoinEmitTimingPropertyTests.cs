using CsCheck;

namespace Braid.Tests.StreamStream;

/// <summary>
/// The outer join's output sequence, record by record, against a from-scratch model of Kafka's rule
/// (KStreamKStreamJoin.emitNonJoinedOuterRecords: the walk over the whole shared store in (timestamp, right before left,
/// key) order emits every expired key, marks a side open at its first key that is not, breaks at the key it reads once
/// both sides are open, and leaves minTime at the timestamp of the last key it read, which decides when the next pass
/// comes). The operator pops the expired keys from the fronts of one order per side, merged, and computes that
/// timestamp from them (StreamStreamJoin.EmitExpired), so this checks that the two orders give exactly Kafka's passes:
/// which input releases which held record, and in which order. Before and after differ (each side's look-back is its
/// own), so the sides expire at different times. Throttle off (OuterJoinEmitInterval 0): passes depend on data only.
/// Inputs are never late (at most min(before, after, grace) behind stream time), keys and values never null.
/// On failure CsCheck prints the seed.
/// </summary>
public sealed class OuterJoinEmitTimingPropertyTests
{
    private sealed record Input(bool Left, string Key, string Value, long Ts);

    private static readonly Gen<(int Before, int After, int Grace, (bool, int, int, int)[] Records)> Cases =
        Gen.Select(Gen.Int[0, 12], Gen.Int[0, 12], Gen.Int[0, 6],
            Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 100]).Array[1, 60]);

    [Fact]
    public void OuterJoin_OutputSequence_EqualsKafkasFullScanRule() =>
        Cases.Sample(c => Check(c.Before, c.After, c.Grace, c.Records), iter: 800, threads: 1);

    [Fact]
    public void OuterJoin_BothSidesOpen_LeavesMinTimeAtTheKeyReadAfterTheLaterFront()
    {
        // before 10, after 5, grace 0. At L@11 the walk reads R b@2 (open), L c@7 (open), then R x@10 and breaks there:
        // minTime 10, not 7 (the later front). So the left side's pre-check at L@13 (10 + 5 >= 13) skips the pass and
        // R b@2 (12 < 13, expired) is released only at R@30, together with the rest, in store order.
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.Zero)
            .Before(TimeSpan.FromMilliseconds(10)).After(TimeSpan.FromMilliseconds(5));
        using var j = new JoinHarness("outer", windows, config: new StreamsConfig { OuterJoinEmitInterval = TimeSpan.Zero });
        var actual = new List<string>();
        actual.AddRange(j.Left("a", "L0", 0));
        actual.AddRange(j.Right("b", "R1", 2));
        actual.AddRange(j.Left("c", "L2", 7));
        actual.AddRange(j.Right("x", "R3", 10));
        actual.AddRange(j.Left("y", "L4", 11));
        Assert.Equal(["a:L0+null@0"], actual);
        Assert.Empty(j.Left("z", "L5", 13));
        Assert.Equal(["b:null+R1@2", "c:L2+null@7", "x:null+R3@10", "y:L4+null@11", "z:L5+null@13"], j.Right("w", "R6", 30));
    }

    private static void Check(int before, int after, int grace, (bool, int, int, int)[] records)
    {
        long disorder = Math.Min(before, Math.Min(after, grace));
        var inputs = new List<Input>();
        long baseTs = 0;
        for (int i = 0; i < records.Length; i++)
        {
            var (left, key, step, jitterPct) = records[i];
            baseTs += step;
            inputs.Add(new Input(left, "k" + key, (left ? "L" : "R") + i, Math.Max(0, baseTs - disorder * jitterPct / 100)));
        }
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.FromMilliseconds(grace))
            .Before(TimeSpan.FromMilliseconds(before)).After(TimeSpan.FromMilliseconds(after));
        using var j = new JoinHarness("outer", windows, config: new StreamsConfig { OuterJoinEmitInterval = TimeSpan.Zero });
        var model = new KafkaOuterJoinModel(before, after, grace);
        for (int i = 0; i < inputs.Count; i++)
        {
            var r = inputs[i];
            var actual = r.Left ? j.Left(r.Key, r.Value, r.Ts) : j.Right(r.Key, r.Value, r.Ts);
            Assert.Equal(model.Process(r.Left, r.Key, r.Value, r.Ts), actual);
        }
    }

    /// <summary>Kafka's outer join, written out plainly: whole-store walks, lists, no orders.</summary>
    private sealed class KafkaOuterJoinModel(long before, long after, long grace)
    {
        private readonly List<(string Key, string Value, long Ts)> _lefts = new(), _rights = new();
        // The shared store: (timestamp, side with right = 0 before left = 1, key); "k0".."k5" order as ordinal strings.
        private readonly SortedDictionary<(long Ts, int Side, string Key), List<string>> _held = new();
        private long _streamTime = long.MinValue;
        private long _minTime = long.MaxValue;

        public List<string> Process(bool left, string key, string value, long ts)
        {
            var output = new List<string>();
            _streamTime = Math.Max(_streamTime, ts);
            if (ts == _streamTime) Pass(left ? after : before, output);
            long from = Math.Max(0, ts - (left ? before : after)), to = ts + (left ? after : before);
            var others = (left ? _rights : _lefts).Where(o => o.Key == key && o.Ts >= from && o.Ts <= to).OrderBy(o => o.Ts).ToList();
            foreach (var o in others)
            {
                _held.Remove((o.Ts, left ? 0 : 1, key));
                output.Add(left ? $"{key}:{value}+{o.Value}@{Math.Max(ts, o.Ts)}" : $"{key}:{o.Value}+{value}@{Math.Max(ts, o.Ts)}");
            }
            if (others.Count == 0)
            {
                if (to < _streamTime) output.Add(Unjoined(left, key, value, ts));
                else
                {
                    if (ts < _minTime) _minTime = ts;
                    var heldKey = (ts, left ? 1 : 0, key);
                    if (!_held.TryGetValue(heldKey, out var values)) _held[heldKey] = values = new List<string>();
                    values.Add(value);
                }
            }
            (left ? _lefts : _rights).Add((key, value, ts));
            return output;
        }

        private static string Unjoined(bool left, string key, string value, long ts) =>
            left ? $"{key}:{value}+null@{ts}" : $"{key}:null+{value}@{ts}";

        private void Pass(long thisAfter, List<string> output)
        {
            if (_minTime == long.MaxValue || _minTime + thisAfter + grace >= _streamTime) return;
            _minTime = long.MaxValue;
            bool leftOpen = false, rightOpen = false;
            foreach (var ((ts, side, key), values) in _held.ToList())
            {
                _minTime = ts;
                if (leftOpen && rightOpen) break;
                bool isLeft = side == 1;
                if (ts + (isLeft ? after : before) + grace >= _streamTime)
                {
                    if (isLeft) leftOpen = true;
                    else rightOpen = true;
                    continue;
                }
                foreach (var v in values) output.Add(Unjoined(isLeft, key, v, ts));
                _held.Remove((ts, side, key));
            }
        }
    }
}
