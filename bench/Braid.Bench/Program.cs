using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Braid.Bench;
using Braid.Bench.Baselines;

// Usage: dotnet run -c Release --project bench/Braid.Bench -- [--records N] [--runs R] [--seed S] [--compare streamiz] [--quick]
if (args.Contains("--embedded"))
{
    // Embedded runtime vs driver, and restart after kill -9 (bench/Braid.Bench/EmbeddedBench.cs).
    EmbeddedBench.Run(args);
    return;
}
var opts = BenchOptions.Parse(args);
var results = new List<BenchResult>();
foreach (var w in WorkloadNames.All.Where(BraidWorkloads.Supports))
{
    var data = Dataset.Create(w, opts.Records, 10_000, opts.Seed, 1, 0);
    var warm = Dataset.Create(w, Math.Min(opts.Records, 100_000), 10_000, opts.Seed + 1, 1, 0);
    BraidWorkloads.Prepare(warm).Run();
    var rps = new List<double>();
    long outputs = 0;
    double bytesPerRecord = 0;
    for (int r = 0; r < opts.Runs; r++)
    {
        var (run, count) = BraidWorkloads.Prepare(data);
        GC.Collect();
        long alloc0 = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        run();
        sw.Stop();
        bytesPerRecord += (GC.GetTotalAllocatedBytes(true) - alloc0) / (double)data.Count / opts.Runs;
        rps.Add(data.Count / sw.Elapsed.TotalSeconds);
        outputs = count();
    }
    rps.Sort();
    results.Add(new BenchResult("braid-driver", w.Name(), data.Count, opts.Runs, rps[0], rps[rps.Count / 2], rps[^1], outputs,
        bytesPerRecord, Process.GetCurrentProcess().PeakWorkingSet64));
}

if (opts.CompareStreamiz)
{
    var tmp = Path.Combine(Path.GetTempPath(), $"braid-baselines-{Environment.ProcessId}.json");
    var workloads = string.Join(",", results.Select(r => r.Workload).Distinct());
    var psi = new ProcessStartInfo("dotnet",
        $"run -c Release --project {Paths.Baselines} -- --records {opts.Records} --runs {opts.Runs} --seed {opts.Seed} " +
        $"--impl streamiz-rocksdb,streamiz-memory,plain,plain-serdes --workload {workloads} --json {tmp}")
    { RedirectStandardOutput = true };
    using var child = Process.Start(psi)!;
    child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (!File.Exists(tmp)) throw new InvalidOperationException($"the baseline run failed (exit {child.ExitCode}).");
    results.AddRange(JsonSerializer.Deserialize<List<BenchResult>>(File.ReadAllText(tmp), BenchResult.Json)!);
}

Report.Print(results);
Report.Write(results, Paths.Results);
if (opts.CompareStreamiz)
{
    double min = results.Where(r => r.Impl == "braid-driver")
        .Min(b => b.MedianRps / results.Where(s => s.Workload == b.Workload && s.Impl.StartsWith("streamiz", StringComparison.Ordinal)).Max(s => s.MedianRps));
    Console.WriteLine($"min speedup vs streamiz: {min.ToString("0.0", CultureInfo.InvariantCulture)}x");
}
