using CsCheck;

namespace Braid.Tests.StreamStream;

/// <summary>
/// Random out-of-order inputs against a brute-force reference over all pairs. Inputs are never late:
/// each record is at most D = min(before, after, grace) behind stream time, the range in which Kafka's
/// join is exact (a record further behind may be forwarded as non-joined at once and later still join).
/// After the inputs, a far-future dummy on each side closes every window; results involving the dummies
/// are left out. On failure CsCheck prints the seed; replay it with
/// <c>Sample(..., seed: "&lt;seed&gt;")</c> in <see cref="Results_EqualTheBruteForceMultiset"/>.
/// </summary>
public sealed class StreamStreamJoinPropertyTests
{
    private sealed record Input(bool Left, string? Key, string? Value, long Ts);

    private static readonly Gen<(string Kind, int Before, int After, int Grace, (bool, int, int, int, int)[] Records)> Cases =
        Gen.Select(Gen.Int[0, 2].Select(i => i == 0 ? "inner" : i == 1 ? "left" : "outer"), Gen.Int[0, 20], Gen.Int[0, 20], Gen.Int[0, 20],
            Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 8], Gen.Int[0, 100], Gen.Int[0, 9]).Array[1, 40]);

    [Fact]
    public void Results_EqualTheBruteForceMultiset() =>
        Cases.Sample(c => Check(c.Kind, c.Before, c.After, c.Grace, c.Records), iter: 400, threads: 1);

    private static void Check(string kind, int before, int after, int grace, (bool, int, int, int, int)[] records)
    {
        long disorder = Math.Min(before, Math.Min(after, grace));
        var inputs = new List<Input>();
        long baseTs = 0;
        for (int i = 0; i < records.Length; i++)
        {
            var (left, key, step, jitterPct, nullValue) = records[i];
            baseTs += step;
            long ts = Math.Max(0, baseTs - disorder * jitterPct / 100);
            inputs.Add(new Input(left, key == 3 ? null : "k" + key, nullValue == 0 ? null : (left ? "L" : "R") + i, ts));
        }
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.FromMilliseconds(grace))
            .Before(TimeSpan.FromMilliseconds(before)).After(TimeSpan.FromMilliseconds(after));
        using var j = new JoinHarness(kind, windows);
        var actual = new List<string>();
        foreach (var r in inputs) actual.AddRange(r.Left ? j.Left(r.Key, r.Value, r.Ts) : j.Right(r.Key, r.Value, r.Ts));
        long far = baseTs + before + after + grace + 1000;
        actual.AddRange(j.Left("dummy", "Ldummy", far));
        actual.AddRange(j.Right("dummy", "Rdummy", far));
        actual.RemoveAll(s => s.Contains("dummy", StringComparison.Ordinal));
        actual.Sort(StringComparer.Ordinal);

        var expected = Reference(kind, before, after, inputs);
        Assert.Equal(expected, actual);
    }

    private static List<string> Reference(string kind, long before, long after, List<Input> inputs)
    {
        var result = new List<string>();
        var lefts = inputs.Where(r => r.Left && r.Value is not null).ToList();
        var rights = inputs.Where(r => !r.Left && r.Value is not null).ToList();
        var rightMatched = new HashSet<Input>();
        foreach (var l in lefts)
        {
            bool matched = false;
            if (l.Key is not null)
            {
                foreach (var r in rights)
                {
                    if (r.Key != l.Key || r.Ts < l.Ts - before || r.Ts > l.Ts + after) continue;
                    matched = true;
                    rightMatched.Add(r);
                    result.Add($"{l.Key}:{l.Value}+{r.Value}@{Math.Max(l.Ts, r.Ts)}");
                }
            }
            if (!matched && kind != "inner") result.Add($"{l.Key ?? "null"}:{l.Value}+null@{l.Ts}");
        }
        if (kind == "outer")
        {
            foreach (var r in rights)
                if (!rightMatched.Contains(r)) result.Add($"{r.Key ?? "null"}:null+{r.Value}@{r.Ts}");
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }
}
