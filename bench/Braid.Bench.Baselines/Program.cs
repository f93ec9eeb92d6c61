using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using Braid.Bench.Baselines;

Options opts;
try
{
    opts = Options.Parse(args);
}
catch (HelpRequested)
{
    Console.WriteLine(Options.Usage);
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var total = Stopwatch.StartNew();
Console.WriteLine($"Braid.Bench.Baselines: records={opts.Records} runs={opts.Runs} keys={opts.Keys} seed={opts.Seed} " +
                  $"ts-step={opts.TsStepMs}ms jitter={opts.JitterMs}ms warmup<={opts.WarmupRecords} max-records-slow={opts.MaxRecordsSlow}");
Console.WriteLine($"runtime {Environment.Version}, {Environment.ProcessorCount} cpus, server GC={GCSettings.IsServerGC}, " +
                  $"Streamiz {Version(typeof(Streamiz.Kafka.Net.StreamBuilder))}, RocksDbSharp {Version(typeof(RocksDbSharp.DbOptions))}, " +
                  $"Confluent.Kafka {Version(typeof(Confluent.Kafka.Library))}");
Console.WriteLine($"join windows ±{JoinSpec.AfterMs} ms, grace {JoinSpec.GraceMs} ms; counting sinks inside each topology");

var results = new List<Result>();
foreach (var workload in opts.Workloads)
{
    if (WorkloadNames.Nexmark.Contains(workload))
    {
        results.AddRange(NexmarkRuns.Run(workload, opts));
        continue;
    }
    var data = Dataset.Create(workload, opts.Records, opts.Keys, opts.Seed, opts.TsStepMs, opts.JitterMs);
    var references = new Dictionary<int, long>();
    foreach (var implName in opts.Impls)
    {
        var impl = Baselines.Create(implName);
        int n = opts.Records;
        bool capped = implName == "streamiz-memory" && workload.UsesWindowStore() && n > opts.MaxRecordsSlow;
        if (capped)
        {
            n = opts.MaxRecordsSlow;
            Console.WriteLine($"  note: {implName} {workload.Name()} capped to {n} records (--max-records-slow; " +
                              "Streamiz's in-memory window store is very slow)");
        }
        int warmupN = capped ? Math.Min(n, 2_000) : Math.Min(n, opts.WarmupRecords);
        Console.Write($"  {implName,-17} {workload.Name(),-20} n={n} ... ");
        var sw = Stopwatch.StartNew();
        var r = Runner.Measure(impl, data, n, warmupN, opts.Runs, capped, opts.Timing(slow: implName.StartsWith("streamiz", StringComparison.Ordinal)));
        n = r.Records;
        if (!references.TryGetValue(n, out long reference))
            references[n] = reference = implName == "plain" ? r.Outputs : PlainBaseline.ReferenceCount(data, n);
        Report.Check(r, reference);
        results.Add(r);
        Console.WriteLine($"median {r.MedianRps:N0} rec/s (min {r.MinRps:N0}, max {r.MaxRps:N0}; {r.Passes} passes, shortest {r.ShortestRunSeconds:F2} s; {r.ProbeSummary}), outputs {r.Outputs} [{r.Check}] ({sw.Elapsed.TotalSeconds:F1} s)");
    }
}

Report.PrintTable(results, Console.Out);
Report.PrintMismatches(results, Console.Out);
if (opts.JsonPath is { } path)
{
    Report.WriteJson(results, path);
    Console.WriteLine($"wrote {path}");
}
Console.WriteLine($"total time {total.Elapsed.TotalSeconds:F1} s");
return results.Any(r => r.Check == "MISMATCH") ? 3 : 0;

static string Version(Type t) =>
    t.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
    ?? t.Assembly.GetName().Version?.ToString() ?? "?";
