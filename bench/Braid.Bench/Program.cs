using System.Globalization;
using Braid.Bench;

// Usage: dotnet run -c Release --project bench/Braid.Bench -- [--records N] [--runs R] [--seed S] [--workload LIST] [--impl LIST]
//        [--compare streamiz] [--quick] [--memory] [--latency] [--embedded] [--tracing] [--rechart]
//        [--min-run-seconds X] [--warmup-seconds X] [--slow-row-seconds X] [--out DIR] [--repeat N]
if (args.Contains("--embedded"))
{
    // Embedded runtime vs driver, and restart after kill -9 (bench/Braid.Bench/EmbeddedBench.cs).
    EmbeddedBench.Run(args);
    return 0;
}
if (args.Contains("--tracing"))
{
    // What spans and metrics cost per record, attached and not (bench/Braid.Bench/TracingStudy.cs).
    TracingStudy.Run(args);
    return 0;
}
if (args.Contains("--rechart"))
{
    // Rewrites the report (CSV, ratios, HTML with the memory and latency tables) from results/results.json.
    // --out DIR rewrites another results directory.
    int o = Array.IndexOf(args, "--out");
    string dir = o >= 0 && o + 1 < args.Length ? Path.GetFullPath(args[o + 1]) : Paths.Results;
    Report.Write(System.Text.Json.JsonSerializer.Deserialize<List<BenchResult>>(File.ReadAllText(Path.Combine(dir, "results.json")), BenchResult.Json)!, dir);
    return 0;
}
var opts = BenchOptions.Parse(args);
if (opts.Memory)
{
    MemoryStudy.Run(opts);
    return 0;
}
if (opts.Latency)
{
    LatencyStudy.Run(opts);
    return 0;
}
if (opts.ChildJson is { } json)
{
    // One row in this (fresh) process: see Rows; timed as Measure describes.
    Measure.Settings = opts.Timing;
    Rows.RunAndWrite(opts, json);
    return 0;
}

if (opts.Repeat > 1)
{
    // The harness N times back to back, then the spread of each row's medians (issue 19's ±15% target).
    RepeatRuns.Run(opts, args);
    return 0;
}

// Every row runs in its own process (Isolation), so no row inherits another's heap, JIT state or RocksDB threads.
var results = Isolation.RunAll(opts, args);
Report.Print(results);
Report.Write(results, opts.Out);
var mismatches = results.Where(r => r.Check.StartsWith("MISMATCH", StringComparison.Ordinal)).ToList();
foreach (var m in mismatches)
    Console.Error.WriteLine($"OUTPUT COUNT MISMATCH: {m.Impl} {m.Workload} records={m.Records}: outputs={m.Outputs}, plain reference={m.ReferenceOutputs}");
var speedups = Ratios.StreamizSpeedups(results);
if (speedups.Count > 0)
    Console.WriteLine($"min speedup vs streamiz: {speedups.Min(s => s.Speedup).ToString("0.0", CultureInfo.InvariantCulture)}x");
return mismatches.Count > 0 ? 3 : 0;
