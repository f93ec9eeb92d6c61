using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Braid.Bench.Baselines;
using Braid.Bench.Nexmark;

namespace Braid.Bench;

/// <summary>
/// Runs every row (one workload × one implementation) in a fresh process and collects the rows' JSON. Rows used to
/// share one process, and a row's result depended on what ran before it: the Server GC's heap and budgets grown by an
/// earlier workload, code tiered (or not yet tiered) by the JIT for another workload's shapes, and RocksDB's native
/// threads and caches from the previous row. The table–table driver row measured 1.0M rec/s in a full run and 2.2M
/// alone (issue 19); in a process of its own every row starts from the same state.
/// </summary>
internal static class Isolation
{
    public static List<BenchResult> RunAll(BenchOptions opts, string[] originalArgs)
    {
        var results = new List<BenchResult>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{opts.Records:N0} records per pass, {opts.Runs} timed runs per row of at least {opts.MinRunSeconds} s each after at least {opts.WarmupSeconds} s of warm-up, {(opts.Processes == 1 ? "one process per row" : $"{opts.Processes} processes per row (their medians' median)")}{(opts.Quick ? " (quick)" : "")}"));
        // Rows run workload by workload, the baselines (Streamiz, plain) right after Braid's rows of the same workload,
        // so the ratios of one workload compare rows taken minutes apart under the same machine load, not hours.
        string? baselines = opts.CompareStreamiz ? BuildBaselines() : null;
        // With --probe, one bar for every row of the run (ProbeGate): measured here, before any row.
        if (opts.ProbeReference < 0)
        {
            opts = opts with { ProbeReference = new MachineProbe().Reference() };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"machine probe reference: {opts.ProbeReference:N0} ops per CPU-second (passes beside a probe below {new ProbeGate.Limits().Threshold:P0} of it are re-drawn)"));
        }
        foreach (var w in opts.Workloads)
        {
            var rows = opts.Impls.Where(i => Rows.Applies(w, i, opts.Quick))
                .Select(impl => (Cmd: SelfCommand(), Args: Common(opts, w.Name(), impl) + " --child-json {0}", Processes: opts.Processes)).ToList();
            if (baselines is not null && (WorkloadNames.All.Contains(w) || NexmarkQueries.OnStreamiz.Contains(w)))
            {
                // Streamiz's in-memory window store manages a few hundred records/s: quick mode caps it harder.
                string slow = (opts.Quick ? " --max-records-slow 2000" : "") + string.Create(CultureInfo.InvariantCulture, $" --slow-row-seconds {opts.SlowRowSeconds}");
                string[] impls = NexmarkQueries.IsNexmark(w) ? ["streamiz-rocksdb", "streamiz-memory"] : ["streamiz-rocksdb", "streamiz-memory", "plain", "plain-serdes"];
                rows.AddRange(impls.Select(impl => (Cmd: ("dotnet", baselines + " "),
                    Args: Common(opts, w.Name(), impl, quickFlag: false) + $" --warmup-records {opts.WarmupRecords}{slow} --json {{0}}",
                    Processes: impl.StartsWith("streamiz", StringComparison.Ordinal) ? opts.BaselineProcesses : opts.Processes)));
            }
            results.AddRange(RunRows(rows));
        }
        return results;
    }

    /// <summary>
    /// Each row in its own number of fresh processes, round by round (every row once, then every row again), so
    /// a slow minute of the machine lands on one process of several rows rather than on all processes of one row; each
    /// row's result is then the median of its processes' medians (<see cref="ProcessMedians"/>).
    /// </summary>
    private static List<BenchResult> RunRows(List<((string File, string Prefix) Cmd, string Args, int Processes)> rows)
    {
        var perRow = rows.Select(_ => new List<BenchResult>()).ToList();
        for (int p = 0; p < rows.Select(r => r.Processes).DefaultIfEmpty(0).Max(); p++)
            for (int r = 0; r < rows.Count; r++)
                if (p < rows[r].Processes) perRow[r].AddRange(RunChild(rows[r].Cmd, rows[r].Args));
        return perRow.SelectMany(Merge).ToList();
    }

    /// <summary>One result per (impl, workload) from its processes' results.</summary>
    private static IEnumerable<BenchResult> Merge(List<BenchResult> fromProcesses) =>
        fromProcesses.GroupBy(x => (x.Impl, x.Workload)).Select(g =>
        {
            var all = g.ToList();
            if (all.Count == 1) return all[0];
            var medians = new ProcessMedians(all.Select(x => x.MedianRps).ToList());
            var first = all[0];
            Console.WriteLine($"  {first.Impl,-16} {first.Workload,-24} {medians.Describe()}");
            // Every process ran the same input: their output counts must agree (else the row is marked, not averaged away).
            bool agree = all.All(x => x.Outputs == first.Outputs && x.Check == first.Check);
            return first with
            {
                MinRps = all.Min(x => x.MinRps),
                MedianRps = medians.Center,
                MaxRps = all.Max(x => x.MaxRps),
                BytesPerRecord = new ProcessMedians(all.Select(x => x.BytesPerRecord).ToList()).Center,
                PeakWorkingSetBytes = all.Max(x => x.PeakWorkingSetBytes),
                Check = agree ? first.Check : "MISMATCH (processes disagree: " + string.Join(" / ", all.Select(x => x.Outputs)) + ")",
                Passes = all.Sum(x => x.Passes),
                ShortestRunSeconds = all.Min(x => x.ShortestRunSeconds),
                RedrawnPasses = all.Sum(x => x.RedrawnPasses),
                ProbeWaitSeconds = all.Sum(x => x.ProbeWaitSeconds),
                ProcessMedians = medians.Medians,
            };
        });

    private static string Common(BenchOptions o, string workload, string impl, bool quickFlag = true) => string.Create(CultureInfo.InvariantCulture,
        $"--records {o.Records} --runs {o.Runs} --seed {o.Seed}{(o.Quick && quickFlag ? " --quick" : "")} --workload {workload} --impl {impl} --min-run-seconds {o.MinRunSeconds} --warmup-seconds {o.WarmupSeconds} --probe-reference {Math.Max(0, o.ProbeReference):F0}");

    private static (string File, string Prefix) SelfCommand()
    {
        string exe = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? (exe, typeof(Isolation).Assembly.Location + " ") : (exe, "");
    }

    private static IEnumerable<BenchResult> RunChild((string File, string Prefix) cmd, string argsFormat)
    {
        var tmp = Path.Combine(Path.GetTempPath(), $"braid-bench-row-{Guid.NewGuid():N}.json");
        var psi = new ProcessStartInfo(cmd.File, cmd.Prefix + string.Format(CultureInfo.InvariantCulture, argsFormat, tmp))
        {
            RedirectStandardOutput = true,
        };
        using var child = Process.Start(psi)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        foreach (var line in output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)))
            Console.WriteLine(line.TrimEnd());
        if (!File.Exists(tmp))
            throw new InvalidOperationException($"benchmark row failed (exit {child.ExitCode}): {psi.FileName} {psi.Arguments}\n{output}");
        var rows = JsonSerializer.Deserialize<List<BenchResult>>(File.ReadAllText(tmp), BenchResult.Json)!;
        File.Delete(tmp);
        return rows;
    }

    /// <summary>Builds the baselines once (their own package pins, see its README) and returns the built assembly.</summary>
    private static string BuildBaselines()
    {
        using (var build = Process.Start(new ProcessStartInfo("dotnet", $"build -c Release {Paths.Baselines}") { RedirectStandardOutput = true })!)
        {
            build.StandardOutput.ReadToEnd();
            build.WaitForExit();
            if (build.ExitCode != 0) throw new InvalidOperationException("building bench/Braid.Bench.Baselines failed");
        }
        return Directory.GetFiles(Path.Combine(Paths.Baselines, "bin", "Release"), "Braid.Bench.Baselines.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).First();
    }
}
