using CsCheck;

namespace Braid.Tests.StreamStream;

/// <summary>
/// The left join's output sequence, record by record, against a from-scratch model of Kafka's rule
/// (KStreamKStreamJoin: emitNonJoinedOuterRecords walks the whole shared store in (timestamp, side, key) order, emits
/// what expired, and leaves minTime at the last key's timestamp, which decides when the next pass comes). The
/// operator pops only the expired held keys from the front of its own order of them and takes that last timestamp from
/// its end (HeldOrder), so this checks that the order gives exactly Kafka's passes: which input releases
/// which held record, and in which order. Throttle off (OuterJoinEmitInterval 0) so that passes depend on data only.
/// Inputs are never late (at most min(before, after, grace) behind stream time), keys and values never null.
/// On failure CsCheck prints the seed.
/// </summary>
public sealed class LeftJoinEmitTimingPropertyTests
{
    private sealed record Input(bool Left, string Key, string Value, long Ts);

    private static readonly Gen<(int Before, int After, int Grace, (bool, int, int, int)[] Records)> Cases =
        Gen.Select(Gen.Int[0, 12], Gen.Int[0, 12], Gen.Int[0, 6],
            Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 100]).Array[1, 60]);

    [Fact]
    public void LeftJoin_OutputSequence_EqualsKafkasFullScanRule() =>
        Cases.Sample(c => Check(c.Before, c.After, c.Grace, c.Records), iter: 500, threads: 1);

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
        using var j = new JoinHarness("left", windows, config: new StreamsConfig { OuterJoinEmitInterval = TimeSpan.Zero });
        var model = new KafkaLeftJoinModel(before, after, grace);
        for (int i = 0; i < inputs.Count; i++)
        {
            var r = inputs[i];
            var actual = r.Left ? j.Left(r.Key, r.Value, r.Ts) : j.Right(r.Key, r.Value, r.Ts);
            Assert.Equal(model.Process(r.Left, r.Key, r.Value, r.Ts), actual);
        }
    }

    /// <summary>Kafka's left join, written out plainly: whole-store walks, lists, no counts.</summary>
    private sealed class KafkaLeftJoinModel(long before, long after, long grace)
    {
        private readonly List<(string Key, string Value, long Ts)> _lefts = new(), _rights = new();
        // The shared store of a left join: left keys only, ordered (timestamp, key bytes); "k0".."k3" order as ordinal strings.
        private readonly SortedDictionary<(long Ts, string Key), List<string>> _held = new();
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
                if (!left) _held.Remove((o.Ts, key));
                output.Add(left ? $"{key}:{value}+{o.Value}@{Math.Max(ts, o.Ts)}" : $"{key}:{o.Value}+{value}@{Math.Max(ts, o.Ts)}");
            }
            if (others.Count == 0 && left)
            {
                if (to < _streamTime) output.Add($"{key}:{value}+null@{ts}");
                else
                {
                    if (ts < _minTime) _minTime = ts;
                    if (!_held.TryGetValue((ts, key), out var values)) _held[(ts, key)] = values = new List<string>();
                    values.Add(value);
                }
            }
            (left ? _lefts : _rights).Add((key, value, ts));
            return output;
        }

        private void Pass(long thisAfter, List<string> output)
        {
            if (_minTime == long.MaxValue || _minTime + thisAfter + grace >= _streamTime) return;
            _minTime = long.MaxValue;
            foreach (var ((ts, key), values) in _held.ToList())
            {
                _minTime = ts;
                if (ts + after + grace >= _streamTime) continue;
                foreach (var v in values) output.Add($"{key}:{v}+null@{ts}");
                _held.Remove((ts, key));
            }
        }
    }
}
