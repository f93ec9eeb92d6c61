namespace Braid.Bench.Baselines;

/// <summary>
/// The arithmetic of one time-based timed run, shared by both bench processes (linked into Braid.Bench) and tested in
/// tests/Braid.Bench.Tests. A timed run used to be one pass over the input: at 300k records the fastest rows' runs
/// lasted 0.05–0.3 s, so timer resolution, one GC or a tier-1 method arriving mid-run moved the median ±30% (issue 19,
/// 19 of 37 Braid rows within ±15% across three runs on a quiet machine). Now a run repeats passes, each over a freshly
/// prepared instance (preparation untimed: only the passes' own times are summed), until the timed seconds reach the
/// minimum; records/s is the records of all passes over the summed pass times, B/record the allocation of all passes
/// over their records. A row slower than the minimum still gets one pass per run (nothing is cut short).
/// </summary>
internal sealed class TimedRun(int recordsPerPass, TimeSpan minimum)
{
    /// <summary>Stops a run whose passes take no measurable time (an empty input) from looping forever.</summary>
    public const int MaxPasses = 100_000;

    public int Passes { get; private set; }
    public TimeSpan Elapsed { get; private set; }
    public long AllocatedBytes { get; private set; }
    public long Records => (long)recordsPerPass * Passes;

    /// <summary>True once at least one pass ran and the passes' summed time reached the minimum.</summary>
    public bool Done => Passes >= MaxPasses || (Passes > 0 && Elapsed >= minimum);

    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0;

    public void Add(TimeSpan passElapsed, long passAllocatedBytes)
    {
        if (passElapsed < TimeSpan.Zero || passAllocatedBytes < 0) throw new ArgumentOutOfRangeException(nameof(passElapsed), "a pass cannot take negative time or allocation");
        Passes++;
        Elapsed += passElapsed;
        AllocatedBytes += passAllocatedBytes;
    }
}

/// <summary>A row's timed runs, summarized: min/median/max records/s over runs and B/record over every pass of every run.</summary>
internal sealed record RunSummary(double MinRps, double MedianRps, double MaxRps, double BytesPerRecord, int Passes, double ShortestRunSeconds)
{
    public static RunSummary Of(IReadOnlyList<TimedRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no timed runs", nameof(runs));
        var rps = runs.Select(r => r.RecordsPerSecond).Order().ToArray();
        long records = runs.Sum(r => r.Records);
        return new RunSummary(rps[0], Median(rps), rps[^1], records == 0 ? 0 : runs.Sum(r => (double)r.AllocatedBytes) / records,
            runs.Sum(r => r.Passes), runs.Min(r => r.Elapsed.TotalSeconds));
    }

    /// <summary>The middle value; the mean of the two middle values of an even count.</summary>
    public static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>
/// The time budget of a slow row (Streamiz's window stores: Nexmark q5 at ~220 events/s made each of its full-run rows
/// take ~17 minutes): its records per timed run are capped from the rate its warm-up measured so that one pass takes
/// about the budget. The warm-up runs on less state than the timed runs, and these stores slow down as their state
/// grows, so a capped run usually takes somewhat longer than the budget, never much shorter.
/// </summary>
internal static class SlowRowBudget
{
    /// <summary>No cap below this many records: the rate of a tiny run says little about the workload.</summary>
    public const int MinRecords = 1_000;

    public static int Cap(int requested, long warmupRecords, TimeSpan warmupElapsed, TimeSpan budget)
    {
        if (warmupRecords <= 0 || warmupElapsed <= TimeSpan.Zero) return requested;
        double rate = warmupRecords / warmupElapsed.TotalSeconds;
        double n = rate * budget.TotalSeconds;
        return n >= requested ? requested : Math.Min(requested, Math.Max(MinRecords, (int)n));
    }
}
