using System.Diagnostics;

namespace Braid.Bench.Baselines;

/// <summary>One row of the report. The first ten properties are the JSON contract used by the Braid harness.</summary>
internal sealed record Result
{
    public required string Impl { get; init; }
    public required string Workload { get; init; }
    /// <summary>Input records per pass of a timed run (after any cap).</summary>
    public required int Records { get; init; }
    public required int Runs { get; init; }
    public required double MinRps { get; init; }
    public required double MedianRps { get; init; }
    public required double MaxRps { get; init; }
    /// <summary>Join outputs of the last timed pass.</summary>
    public required long Outputs { get; init; }
    /// <summary>Managed bytes allocated (all threads) during the timed passes, per input record processed.</summary>
    public required double BytesPerRecord { get; init; }
    /// <summary>Process peak working set (VmHWM). See <see cref="PeakWorkingSetScope"/>.</summary>
    public required long PeakWorkingSetBytes { get; init; }

    public required int RequestedRecords { get; init; }
    public required bool Capped { get; init; }
    public required int WarmupRecords { get; init; }
    /// <summary>"per-pair": VmHWM was reset before this pair (still includes runtime + generated input);
    /// "process": cumulative peak of the whole process so far.</summary>
    public required string PeakWorkingSetScope { get; init; }
    public required bool OutputsStable { get; init; }
    /// <summary>Passes over the input in all timed runs together (see <see cref="TimedRun"/>).</summary>
    public int Passes { get; init; }
    /// <summary>The shortest timed run's seconds.</summary>
    public double ShortestRunSeconds { get; init; }
    /// <summary>Timed passes not counted because the machine probed slow beside them (<see cref="ProbeGate"/>).</summary>
    public int RedrawnPasses { get; init; }
    /// <summary>Seconds waited for the machine before passes (<see cref="ProbeGate"/>).</summary>
    public double ProbeWaitSeconds { get; init; }
    /// <summary>What the gate did, for the row's line.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ProbeSummary { get; init; } = "";
    public long ReferenceOutputs { get; set; } = -1;
    /// <summary>"ok", "differs-expected" (Streamiz eager left join) or "MISMATCH".</summary>
    public string Check { get; set; } = "ok";
}

/// <summary>How rows are timed (see <see cref="TimedRun"/>): minimum seconds per timed run and of warm-up, and the
/// budget of a slow (Streamiz) row's timed run, or null for rows never capped (plain C#).</summary>
internal sealed record Timing(TimeSpan MinRun, TimeSpan MinWarmup, TimeSpan? SlowRowBudget, double ProbeReference = 0);

internal static class Runner
{
    /// <summary>A slow row's first warm-up pass: small, so a row at a few hundred records/s learns its rate in seconds.</summary>
    public const int ProbeRecords = 2_000;

    /// <summary>The first pass of a row runs cold code: at least one more follows before timing (and before a cap).</summary>
    public const int MinWarmupPasses = 2;

    public static Result Measure(IBaseline impl, Dataset data, int n, int warmupN, int runs, bool capped, Timing timing) =>
        Measure(impl.Name, data.Workload.Name(), data.Count, m => impl.Prepare(data, m), n, warmupN, runs, capped, timing);

    /// <summary>
    /// Warms up (at least two passes over <paramref name="warmupN"/> inputs and the minimum warm-up time; a slow row
    /// starts with small probe passes and grows to the full warm-up input only if a pass fits its budget), caps a slow row's
    /// records from the last warm-up pass's rate (<see cref="SlowRowBudget"/>), then times <paramref name="runs"/>
    /// runs over the first n inputs, each repeating passes until the minimum run time.
    /// </summary>
    public static Result Measure(string implName, string workload, int requested, Func<int, IPreparedRun> prepare, int n, int warmupN, int runs,
        bool capped, Timing timing)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        bool perPair = PeakRss.TryReset();

        var warmup = Stopwatch.StartNew();
        int warmN = timing.SlowRowBudget is null ? warmupN : Math.Min(warmupN, ProbeRecords), lastN, passes = 0;
        TimeSpan last;
        do
        {
            last = Pass(prepare, lastN = warmN).Elapsed;
            passes++;
            // A slow row grows from the probe to the full warm-up input once that fits its budget.
            if (timing.SlowRowBudget is { } b && warmN < warmupN && warmupN * last.TotalSeconds / warmN <= b.TotalSeconds) warmN = warmupN;
        }
        while (passes < MinWarmupPasses || warmup.Elapsed < timing.MinWarmup);
        if (timing.SlowRowBudget is { } budget)
        {
            int cap = SlowRowBudget.Cap(n, lastN, last, budget);
            if (cap < n)
            {
                Console.Write($"(capped {n} -> {cap} by --slow-row-seconds {budget.TotalSeconds}: warm-up {lastN / last.TotalSeconds:N0} rec/s) ");
                n = cap;
                capped = true;
            }
        }

        var timed = new List<TimedRun>();
        var gate = ProbeGate.Create(timing.ProbeReference);
        var pinning = PassPinning.ForCurrentThread(implName); // BENCH_PIN_PASSES=1: timed passes spread over the vCPUs evenly, as in Braid's rows
        long outputs = -1;
        bool stable = true;
        for (int r = 0; r < runs; r++)
        {
            var run = new TimedRun(n, timing.MinRun);
            while (!run.Done)
            {
                pinning?.PinNext();
                var (elapsed, allocated, o) = Pass(prepare, n, gate);
                if (gate.KeepPass(elapsed)) run.Add(elapsed, allocated);
                if (outputs >= 0 && o != outputs) stable = false;
                outputs = o;
            }
            timed.Add(run);
        }
        pinning?.Release();
        var s = RunSummary.Of(timed);
        return new Result
        {
            Impl = implName, Workload = workload, Records = n, Runs = runs,
            MinRps = s.MinRps, MedianRps = s.MedianRps, MaxRps = s.MaxRps, Outputs = outputs,
            BytesPerRecord = s.BytesPerRecord, PeakWorkingSetBytes = PeakRss.Read(),
            RequestedRecords = requested, Capped = capped, WarmupRecords = lastN,
            PeakWorkingSetScope = perPair ? "per-pair" : "process", OutputsStable = stable,
            Passes = s.Passes, ShortestRunSeconds = s.ShortestRunSeconds,
            RedrawnPasses = gate.Redrawn, ProbeWaitSeconds = gate.Waited.TotalSeconds, ProbeSummary = gate.Describe(),
        };
    }

    /// <summary>One pass over a freshly prepared instance: preparation, the full GC before it and disposal untimed.</summary>
    private static (TimeSpan Elapsed, long Allocated, long Outputs) Pass(Func<int, IPreparedRun> prepare, int n, ProbeGate? gate = null)
    {
        using var run = prepare(n);
        gate?.BeforePass(); // before the GC: the probe's garbage and its map's young references are collected
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        long t0 = Stopwatch.GetTimestamp();
        long o = run.Execute();
        long t1 = Stopwatch.GetTimestamp();
        return (Stopwatch.GetElapsedTime(t0, t1), GC.GetTotalAllocatedBytes(precise: true) - a0, o);
    }
}

/// <summary>Process.PeakWorkingSet64 is per process; on Linux it can be reset by writing 5 to /proc/self/clear_refs.</summary>
internal static class PeakRss
{
    public static bool TryReset()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return false;
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long Read()
    {
        using var p = Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }
}
