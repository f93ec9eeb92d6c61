using System.Globalization;
using System.Text.Json;

using Braid.Bench.Baselines;

namespace Braid.Bench;

internal sealed record BenchOptions(int Records, int Runs, long Seed, bool CompareStreamiz, bool Quick, bool Memory, IReadOnlyList<Workload> Workloads, IReadOnlyList<string> Impls,
    bool Latency = false, string? ChildJson = null)
{
    /// <summary>Minimum timed seconds per timed run (<c>--min-run-seconds</c>): passes repeat until reached (<see cref="TimedRun"/>).</summary>
    public double MinRunSeconds { get; init; } = 1;

    /// <summary>Minimum warm-up seconds per row (<c>--warmup-seconds</c>), so tier-1 code is in place before timing.</summary>
    public double WarmupSeconds { get; init; } = 2;

    /// <summary>Budget per timed run of a slow Streamiz row (<c>--slow-row-seconds</c>): its records are capped to fit (<see cref="SlowRowBudget"/>).</summary>
    public double SlowRowSeconds { get; init; } = 20;

    /// <summary>Results directory (<c>--out DIR</c>; default bench/results, the committed results).</summary>
    public string Out { get => outDir ?? Paths.Results; init => outDir = value; }

    // Resolved when first used: a child row never writes results, and Paths.Results needs the repository around it.
    private readonly string? outDir;

    /// <summary>Runs of the whole harness back to back (<c>--repeat N</c>), then the spread of each row's medians.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Fresh processes per row (<c>--processes N</c>, default 3): the row's median is the median of theirs (<see cref="ProcessMedians"/>).</summary>
    public int Processes { get; init; } = 3;

    /// <summary>Fresh processes per Streamiz row (<c>--baseline-processes N</c>, default 1, at most <see cref="Processes"/>):
    /// those rows are capped by <c>--slow-row-seconds</c> and run for minutes, so three of each would add ~20 minutes to
    /// a full run; the plain rows are fast and follow <see cref="Processes"/>.</summary>
    public int BaselineProcesses { get; init; } = 1;

    /// <summary>The machine probe's reference (<c>--probe-reference X</c>, ops per CPU-second; default 0: no gate): negative
    /// (<c>--probe</c>) means the parent measures it at the start of the run and passes it to every row (<see cref="ProbeGate"/>).
    /// Off by default since session 17's first repeat run: the probe read "slow" for minutes while the rows ran at full speed.</summary>
    public double ProbeReference { get; init; }

    /// <summary>The child's timing settings.</summary>
    public Measure.Timing Timing => new(TimeSpan.FromSeconds(MinRunSeconds), TimeSpan.FromSeconds(WarmupSeconds), Math.Max(0, ProbeReference));

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
        double minRun = 1, warmup = 2;
        double? slow = null;
        string? outDir = null;
        int repeat = 1, processes = 3, baselineProcesses = 1;
        double probeReference = 0;
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
                case "--min-run-seconds": minRun = Seconds(args[i], args[++i]); break;
                case "--warmup-seconds": warmup = Seconds(args[i], args[++i]); break;
                case "--slow-row-seconds": slow = Seconds(args[i], args[++i]); break;
                case "--out": outDir = Path.GetFullPath(args[++i]); break;
                case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--processes": processes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--baseline-processes": baselineProcesses = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--probe-reference": probeReference = Seconds(args[i], args[++i]); break;
                case "--probe": probeReference = -1; break;
                case "--no-probe": probeReference = 0; break;
                case "--impl":
                    impls = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    if (impls.Except(AllImpls).Any()) throw new ArgumentException($"unknown impl in '{args[i]}' (known: {string.Join(",", AllImpls)})");
                    break;
                case "--workload":
                    var names = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    workloads = known.Where(w => names.Contains(w.Name())).ToList();
                    if (workloads.Count != names.Length) throw new ArgumentException($"unknown workload in '{args[i]}' (known: {string.Join(",", known.Select(w => w.Name()))})");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'; use --records N --runs R --seed S --workload LIST --impl LIST --compare streamiz --quick --memory --latency --min-run-seconds X --warmup-seconds X --slow-row-seconds X --out DIR --repeat N --processes N --baseline-processes N --probe --probe-reference X --no-probe");
            }
        }
        // Quick: 200k records but still three timed runs after the same JIT warm-up as a full run, so its ratios stay
        // within ±25% of a full run's (one run of 200k after 20k of warm-up moved the minimum speedup 1.6x–7.5x).
        if (quick) records = Math.Min(records, 200_000);
        if (repeat < 1) throw new ArgumentException("--repeat needs a positive count");
        if (processes < 1) throw new ArgumentException("--processes needs a positive count");
        if (baselineProcesses < 1) throw new ArgumentException("--baseline-processes needs a positive count");
        return new BenchOptions(records, runs ?? 3, seed, compare, quick, memory, workloads, impls, latency, childJson)
        {
            // Quick mode gives the slow Streamiz rows 5 s per timed run, so the whole quick run stays within minutes.
            MinRunSeconds = minRun, WarmupSeconds = warmup, SlowRowSeconds = slow ?? (quick ? 5 : 20), Out = outDir!, Repeat = repeat, Processes = processes, BaselineProcesses = Math.Min(baselineProcesses, processes),
            ProbeReference = probeReference,
        };
    }

    private static double Seconds(string name, string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && double.IsFinite(s)
            ? s : throw new ArgumentException($"{name} needs a number >= 0, got '{v}'");
}

internal sealed record BenchResult(string Impl, string Workload, int Records, int Runs, double MinRps, double MedianRps, double MaxRps,
    long Outputs, double BytesPerRecord, long PeakWorkingSetBytes, long ReferenceOutputs = -1, string Check = "ok")
{
    /// <summary>Passes over the input in all timed runs together (0: not recorded, results from before time-based runs).</summary>
    public int Passes { get; init; }

    /// <summary>The shortest timed run's seconds (0: not recorded).</summary>
    public double ShortestRunSeconds { get; init; }

    /// <summary>Timed passes not counted because the machine probed slow beside them (<see cref="ProbeGate"/>).</summary>
    public int RedrawnPasses { get; init; }

    /// <summary>Seconds the row waited for the machine before its passes (<see cref="ProbeGate"/>).</summary>
    public double ProbeWaitSeconds { get; init; }

    /// <summary>Each process's median when the row ran in several (<c>--processes N</c>); MedianRps is their median.</summary>
    public IReadOnlyList<double>? ProcessMedians { get; init; }

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
