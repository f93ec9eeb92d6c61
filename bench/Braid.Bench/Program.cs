using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Braid.Bench;
using Braid.Bench.Baselines;

// Usage: dotnet run -c Release --project bench/Braid.Bench -- [--records N] [--runs R] [--seed S] [--workload LIST] [--impl LIST] [--compare streamiz] [--quick] [--memory]
if (args.Contains("--embedded"))
{
    // Embedded runtime vs driver, and restart after kill -9 (bench/Braid.Bench/EmbeddedBench.cs).
    EmbeddedBench.Run(args);
    return 0;
}
var opts = BenchOptions.Parse(args);
if (opts.Memory)
{
    MemoryStudy.Run(opts);
    return 0;
}

StoreKind[] storeKinds = [StoreKind.Memory, StoreKind.RocksDb];
var results = new List<BenchResult>();
foreach (var w in opts.Workloads.Where(w => w != Workload.Timeline))
{
    var data = Shapes.Create(w, opts.Records, opts.Seed);
    var warm = Shapes.Create(w, opts.WarmupRecords, opts.Seed + 1);
    long reference = PlainReference.Count(data);
    foreach (var kind in storeKinds.Where(k => opts.Includes(BenchStores.ImplName(k))))
    {
        BraidWorkloads.Prepare(warm, kind).Run();
        results.Add(Measure.Run(BenchStores.ImplName(kind), w.Name(), data.Count, opts.Runs, () => BraidWorkloads.Prepare(data, kind)).Checked(reference));
    }
    if (EmbeddedWorkload.Supports(w) && opts.Includes(EmbeddedWorkload.Impl))
    {
        EmbeddedWorkload.Prepare(warm).Run();
        results.Add(Measure.Run(EmbeddedWorkload.Impl, w.Name(), data.Count, opts.Runs, () => EmbeddedWorkload.Prepare(data)).Checked(reference));
    }
    if (WorkloadNames.BraidOnly.Contains(w) && opts.Includes("plain"))
    {
        PlainReference.Prepare(warm).Run();
        results.Add(Measure.Run("plain", w.Name(), data.Count, opts.Runs, () => PlainReference.Prepare(data)).Checked(reference));
    }
}

// The timeline is checked by state (final timelines vs a plain model, in the warm-up run on a prefix) rather than by count.
var events = opts.Workloads.Contains(Workload.Timeline) ? TimelineWorkload.Generate(Math.Min(opts.Records, TimelineWorkload.MaxEvents), opts.Seed) : [];
// Quick mode times the timeline on in-memory stores only: on RocksDB it is several times slower (each commit serializes
// every touched follower's whole member list), too slow for a quick run.
foreach (var kind in events.Length > 0 ? storeKinds.Where(k => opts.Includes(BenchStores.ImplName(k)) && !(opts.Quick && k == StoreKind.RocksDb)) : [])
{
    TimelineWorkload.Prepare(events[..Math.Min(events.Length, opts.WarmupRecords)], verify: true, kind).Run();
    results.Add(Measure.Run(BenchStores.ImplName(kind), Workload.Timeline.Name(), events.Length, opts.Runs,
        () => TimelineWorkload.Prepare(events, verify: false, kind)) with { Check = "ok (state)" });
}

var streamizWorkloads = opts.Workloads.Where(WorkloadNames.All.Contains).ToList();
if (opts.CompareStreamiz && streamizWorkloads.Count > 0)
{
    var tmp = Path.Combine(Path.GetTempPath(), $"braid-baselines-{Environment.ProcessId}.json");
    var workloads = string.Join(",", streamizWorkloads.Select(w => w.Name()));
    // Streamiz's in-memory window store manages a few hundred records/s: quick mode caps it harder.
    string slow = opts.Quick ? " --max-records-slow 2000" : "";
    var psi = new ProcessStartInfo("dotnet",
        $"run -c Release --project {Paths.Baselines} -- --records {opts.Records} --runs {opts.Runs} --seed {opts.Seed} " +
        $"--warmup-records {opts.WarmupRecords}{slow} --impl streamiz-rocksdb,streamiz-memory,plain,plain-serdes --workload {workloads} --json {tmp}")
    { RedirectStandardOutput = true };
    using var child = Process.Start(psi)!;
    child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (!File.Exists(tmp)) throw new InvalidOperationException($"the baseline run failed (exit {child.ExitCode}).");
    results.AddRange(JsonSerializer.Deserialize<List<BenchResult>>(File.ReadAllText(tmp), BenchResult.Json)!);
    File.Delete(tmp);
}

Report.Print(results);
Report.Write(results, Paths.Results);
var mismatches = results.Where(r => r.Check.StartsWith("MISMATCH", StringComparison.Ordinal)).ToList();
foreach (var m in mismatches)
    Console.Error.WriteLine($"OUTPUT COUNT MISMATCH: {m.Impl} {m.Workload} records={m.Records}: outputs={m.Outputs}, plain reference={m.ReferenceOutputs}");
if (opts.CompareStreamiz && streamizWorkloads.Count > 0)
{
    double min = results.Where(r => r.Impl == "braid-driver" && WorkloadNames.All.Any(w => w.Name() == r.Workload))
        .Min(b => b.MedianRps / results.Where(s => s.Workload == b.Workload && s.Impl.StartsWith("streamiz", StringComparison.Ordinal)).Max(s => s.MedianRps));
    Console.WriteLine($"min speedup vs streamiz: {min.ToString("0.0", CultureInfo.InvariantCulture)}x");
}
return mismatches.Count > 0 ? 3 : 0;
