using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.Windowed;

/// <summary>
/// Random out-of-order inputs against a from-scratch reference. Records are never late: each is at most
/// the grace period behind stream time, so every window it belongs to is still open. Once every window has
/// closed, the last value per window on the update stream, and the records of the emit-on-window-close
/// stream (each window exactly once), must both equal counts computed directly from the records.
/// On failure the seed is printed; replay with <c>BRAID_WINDOW_SEED=&lt;seed&gt; dotnet test --filter WindowedCountPropertyTests</c>.
/// </summary>
public sealed class WindowedCountPropertyTests
{
    private sealed record Input(string Key, long Ts);

    private static readonly string[] Kinds = ["tumbling", "hopping", "sliding", "session"];

    private static readonly Gen<(int Kind, int Size, int Advance, int Grace, (int, int, int)[] Records)> Cases =
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 20], Gen.Int[1, 20], Gen.Int[0, 20],
            Gen.Select(Gen.Int[0, 2], Gen.Int[0, 8], Gen.Int[0, 100]).Array[1, 40]);

    [Fact]
    public void WindowedCounts_OnceEveryWindowClosed_EqualTheReference()
    {
        string? seed = Environment.GetEnvironmentVariable("BRAID_WINDOW_SEED");
        try
        {
            Cases.Sample(c => Check(Kinds[c.Kind], c.Size, Math.Min(c.Advance, c.Size), c.Grace, c.Records), iter: seed is null ? 300 : 1, threads: 1, seed: seed);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{e.InnerException?.Message}\nReplay the failing case: BRAID_WINDOW_SEED=<the seed above> dotnet test --filter WindowedCountPropertyTests");
        }
    }

    private static void Check(string kind, int size, int advance, int grace, (int Key, int Step, int JitterPct)[] records)
    {
        var inputs = new List<Input>();
        long baseTs = 0;
        foreach (var (key, step, jitterPct) in records)
        {
            baseTs += step;
            inputs.Add(new Input("k" + key, Math.Max(0, baseTs - (long)grace * jitterPct / 100)));
        }
        var expected = Reference(kind, size, advance, inputs);

        var updates = new Dictionary<string, string>();
        using (var h = Harness(kind, size, advance, grace, onClose: false))
        {
            foreach (var r in inputs)
            {
                foreach (var line in h.Pipe(r.Key, "v", r.Ts))
                {
                    var (window, value) = Split(line);
                    if (value == "null") updates.Remove(window);
                    else updates[window] = value;
                }
            }
            Assert.Equal(0, h.Dropped("expired-window"));
        }
        Assert.Equal(expected, updates.Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal).ToList());

        using var final = Harness(kind, size, advance, grace, onClose: true);
        var emitted = inputs.SelectMany(r => final.Pipe(r.Key, "v", r.Ts)).ToList();
        emitted.AddRange(final.Pipe("zz-closer", "v", baseTs + 2L * size + grace + 100));
        var closed = emitted.Where(l => !l.StartsWith("zz-closer", StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf('@')]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, closed);
    }

    private static (string Window, string Value) Split(string line)
    {
        int eq = line.IndexOf('=', StringComparison.Ordinal);
        return (line[..eq], line[(eq + 1)..line.LastIndexOf('@')]);
    }

    private static WindowHarness Harness(string kind, int size, int advance, int grace, bool onClose)
    {
        var strategy = onClose ? EmitStrategy.OnWindowClose() : EmitStrategy.OnWindowUpdate();
        TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);
        return kind switch
        {
            "session" => new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SessionWindows.OfInactivityGapAndGrace(Ms(size), Ms(grace)))
                .EmitStrategy(strategy).Count()), WindowedSerdes.SessionWindowed(Serdes.String)),
            "sliding" => new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SlidingWindows.OfTimeDifferenceAndGrace(Ms(size), Ms(grace)))
                .EmitStrategy(strategy).Count()), WindowedSerdes.TimeWindowed(Serdes.String, Ms(size))),
            _ => new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(TimeWindows.OfSizeAndGrace(Ms(size), Ms(grace)).AdvanceBy(Ms(kind == "tumbling" ? size : advance)))
                .EmitStrategy(strategy).Count()), WindowedSerdes.TimeWindowed(Serdes.String, Ms(size))),
        };
    }

    /// <summary>Counts computed from the definitions, rendered as the harness renders windows: "key[start,end]=count".</summary>
    private static List<string> Reference(string kind, long size, long advance, List<Input> inputs)
    {
        var windows = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var byKey in inputs.GroupBy(r => r.Key))
        {
            var ts = byKey.Select(r => r.Ts).Order().ToList();
            string W(long start, long end, long count) => $"{byKey.Key}[{start},{end}]={count}";
            switch (kind)
            {
                case "session":
                    int first = 0;
                    for (int i = 1; i <= ts.Count; i++)
                    {
                        if (i < ts.Count && ts[i] - ts[i - 1] <= size) continue;
                        windows.Add(W(ts[first], ts[i - 1], i - first));
                        first = i;
                    }
                    break;
                case "sliding":
                    var starts = new HashSet<long>();
                    foreach (long t in ts)
                    {
                        // the left window ends at t (records before the difference share [0, d])
                        starts.Add(Math.Max(0, t - size));
                        // the right window starts just after t, when a later record falls into it
                        if (ts.Any(r => r > t && r <= t + 1 + size)) starts.Add(t + 1);
                    }
                    foreach (long s in starts) windows.Add(W(s, s + size, ts.Count(r => r >= s && r <= s + size)));
                    break;
                default:
                    long step = kind == "tumbling" ? size : advance;
                    var counts = new SortedDictionary<long, long>();
                    foreach (long t in ts)
                    {
                        for (long s = 0; s <= t; s += step)
                            if (t < s + size) counts[s] = counts.GetValueOrDefault(s) + 1;
                    }
                    foreach (var (s, c) in counts) windows.Add(W(s, s + size, c));
                    break;
            }
        }
        return windows.ToList();
    }
}
