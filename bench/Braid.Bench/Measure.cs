using System.Diagnostics;
using Braid.Bench.Baselines;

namespace Braid.Bench;

/// <summary>Times prepared runs: preparation is untimed, each run gets a fresh instance, allocations are counted per record.</summary>
internal static class Measure
{
    public static BenchResult Run(string impl, string workload, int records, int runs, Func<(Action Run, Func<long> Outputs)> prepare)
    {
        Console.Write($"  {impl,-16} {workload,-24} n={records} ... ");
        var total = Stopwatch.StartNew();
        var rps = new List<double>();
        long outputs = 0;
        double bytesPerRecord = 0;
        for (int r = 0; r < runs; r++)
        {
            var (run, count) = prepare();
            GC.Collect();
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            run();
            sw.Stop();
            bytesPerRecord += (GC.GetTotalAllocatedBytes(true) - alloc0) / (double)records / runs;
            rps.Add(records / sw.Elapsed.TotalSeconds);
            outputs = count();
        }
        rps.Sort();
        Console.WriteLine($"median {rps[rps.Count / 2]:N0} rec/s, outputs {outputs} ({total.Elapsed.TotalSeconds:F1} s)");
        return new BenchResult(impl, workload, records, runs, rps[0], rps[rps.Count / 2], rps[^1], outputs,
            bytesPerRecord, Process.GetCurrentProcess().PeakWorkingSet64);
    }

    /// <summary>Marks the result MISMATCH when its output count differs from the plain reference on the same input.</summary>
    public static BenchResult Checked(this BenchResult r, long reference) =>
        r with { ReferenceOutputs = reference, Check = r.Outputs == reference ? "ok" : "MISMATCH" };
}

/// <summary>Per-workload data shape: the shared workloads use the baselines' defaults so all rows see identical input.</summary>
internal static class Shapes
{
    /// <summary>Fewer keys and 200 ms of timestamp jitter, so each key has many versions and lookups hit older ones.</summary>
    public static Dataset Create(Workload w, int records, long seed) => w == Workload.VersionedStreamTable
        ? Dataset.Create(w, records, 1_000, seed, 1, 200)
        : Dataset.Create(w, records, 10_000, seed, 1, 0);
}
