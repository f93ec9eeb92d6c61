using System.Diagnostics;

namespace Braid.Bench.Baselines;

/// <summary>One row of the report. The first ten properties are the JSON contract used by the Braid harness.</summary>
internal sealed record Result
{
    public required string Impl { get; init; }
    public required string Workload { get; init; }
    /// <summary>Input records per timed run (after any cap).</summary>
    public required int Records { get; init; }
    public required int Runs { get; init; }
    public required double MinRps { get; init; }
    public required double MedianRps { get; init; }
    public required double MaxRps { get; init; }
    /// <summary>Join outputs of the last timed run.</summary>
    public required long Outputs { get; init; }
    /// <summary>Managed bytes allocated (all threads) during the timed part, per input record, mean over runs.</summary>
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
    public long ReferenceOutputs { get; set; } = -1;
    /// <summary>"ok", "differs-expected" (Streamiz eager left join) or "MISMATCH".</summary>
    public string Check { get; set; } = "ok";
}

internal static class Runner
{
    public static Result Measure(IBaseline impl, Dataset data, int n, int warmupN, int runs, bool capped) =>
        Measure(impl.Name, data.Workload.Name(), data.Count, m => impl.Prepare(data, m), n, warmupN, runs, capped);

    /// <summary>Times <paramref name="runs"/> runs over the first <paramref name="n"/> inputs after one warm-up over <paramref name="warmupN"/>.</summary>
    public static Result Measure(string implName, string workload, int requested, Func<int, IPreparedRun> prepare, int n, int warmupN, int runs, bool capped)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        bool perPair = PeakRss.TryReset();

        using (var warm = prepare(warmupN)) warm.Execute();

        var rps = new double[runs];
        long outputs = -1, allocated = 0;
        bool stable = true;
        for (int r = 0; r < runs; r++)
        {
            using var run = prepare(n);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long a0 = GC.GetTotalAllocatedBytes(precise: true);
            long t0 = Stopwatch.GetTimestamp();
            long o = run.Execute();
            long t1 = Stopwatch.GetTimestamp();
            allocated += GC.GetTotalAllocatedBytes(precise: true) - a0;
            rps[r] = n / Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
            if (outputs >= 0 && o != outputs) stable = false;
            outputs = o;
        }
        Array.Sort(rps);
        double median = runs % 2 == 1 ? rps[runs / 2] : (rps[runs / 2 - 1] + rps[runs / 2]) / 2;
        return new Result
        {
            Impl = implName, Workload = workload, Records = n, Runs = runs,
            MinRps = rps[0], MedianRps = median, MaxRps = rps[^1], Outputs = outputs,
            BytesPerRecord = (double)allocated / runs / n, PeakWorkingSetBytes = PeakRss.Read(),
            RequestedRecords = requested, Capped = capped, WarmupRecords = warmupN,
            PeakWorkingSetScope = perPair ? "per-pair" : "process", OutputsStable = stable,
        };
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
