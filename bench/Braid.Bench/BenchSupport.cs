using System.Globalization;
using System.Text.Json;

using Braid.Bench.Baselines;

namespace Braid.Bench;

internal sealed record BenchOptions(int Records, int Runs, long Seed, bool CompareStreamiz, bool Quick, bool Memory, IReadOnlyList<Workload> Workloads, IReadOnlyList<string> Impls,
    bool Latency = false, string? ChildJson = null)
{
    public static readonly string[] AllImpls = ["braid-driver", "braid-rocksdb", "braid-embedded", "plain"];

    /// <summary>Whether this run includes the in-process implementation (the baselines child has its own list).</summary>
    public bool Includes(string impl) => Impls.Contains(impl);

    /// <summary>Warm-up input size: enough to JIT every path; smaller in quick mode.</summary>
    public int WarmupRecords => Math.Min(Records, Quick ? 50_000 : 100_000);

    public static BenchOptions Parse(string[] args)
    {
        int records = 1_000_000;
        int? runs = null;
        long seed = 42;
        bool compare = false, quick = false, memory = false, latency = false;
        string? childJson = null;
        var known = WorkloadNames.All.Concat(WorkloadNames.BraidOnly).Concat(WorkloadNames.Nexmark).ToList();
        var workloads = known;
        var impls = AllImpls.ToList();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--records": records = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--compare" when i + 1 < args.Length && args[i + 1] == "streamiz": compare = true; i++; break;
                case "--quick": quick = true; break;
                case "--memory": memory = true; break;
                case "--latency": latency = true; break;
                case "--child-json": childJson = args[++i]; break;
                case "--impl":
                    impls = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    if (impls.Except(AllImpls).Any()) throw new ArgumentException($"unknown impl in '{args[i]}' (known: {string.Join(",", AllImpls)})");
                    break;
                case "--workload":
                    var names = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    workloads = known.Where(w => names.Contains(w.Name())).ToList();
                    if (workloads.Count != names.Length) throw new ArgumentException($"unknown workload in '{args[i]}' (known: {string.Join(",", known.Select(w => w.Name()))})");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'; use --records N --runs R --seed S --workload LIST --impl LIST --compare streamiz --quick --memory --latency");
            }
        }
        // Quick: 200k records but still three timed runs after the same JIT warm-up as a full run, so its ratios stay
        // within ±25% of a full run's (one run of 200k after 20k of warm-up moved the minimum speedup 1.6x–7.5x).
        if (quick) records = Math.Min(records, 200_000);
        return new BenchOptions(records, runs ?? 3, seed, compare, quick, memory, workloads, impls, latency, childJson);
    }
}

internal sealed record BenchResult(string Impl, string Workload, int Records, int Runs, double MinRps, double MedianRps, double MaxRps,
    long Outputs, double BytesPerRecord, long PeakWorkingSetBytes, long ReferenceOutputs = -1, string Check = "ok")
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}

internal static class Paths
{
    public static string Root
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Braid.sln"))) return d.FullName;
            throw new DirectoryNotFoundException("Run from inside the Braid repository.");
        }
    }

    public static string Baselines => Path.Combine(Root, "bench", "Braid.Bench.Baselines");

    public static string Results => Path.Combine(Root, "bench", "results");
}
