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
            $"{opts.Records:N0} records per pass, {opts.Runs} timed runs per row of at least {opts.MinRunSeconds} s each after at least {opts.WarmupSeconds} s of warm-up, one process per row{(opts.Quick ? " (quick)" : "")}"));
        // Rows run workload by workload, the baselines (Streamiz, plain) right after Braid's rows of the same workload,
        // so the ratios of one workload compare rows taken minutes apart under the same machine load, not hours.
        string? baselines = opts.CompareStreamiz ? BuildBaselines() : null;
        foreach (var w in opts.Workloads)
        {
            foreach (var impl in opts.Impls.Where(i => Rows.Applies(w, i, opts.Quick)))
                results.AddRange(RunChild(SelfCommand(), Common(opts, w.Name(), impl) + " --child-json {0}"));
            if (baselines is null || !(WorkloadNames.All.Contains(w) || NexmarkQueries.OnStreamiz.Contains(w))) continue;
            // Streamiz's in-memory window store manages a few hundred records/s: quick mode caps it harder.
            string slow = (opts.Quick ? " --max-records-slow 2000" : "") + string.Create(CultureInfo.InvariantCulture, $" --slow-row-seconds {opts.SlowRowSeconds}");
            string[] impls = NexmarkQueries.IsNexmark(w) ? ["streamiz-rocksdb", "streamiz-memory"] : ["streamiz-rocksdb", "streamiz-memory", "plain", "plain-serdes"];
            foreach (var impl in impls)
                results.AddRange(RunChild(("dotnet", baselines + " "),
                    Common(opts, w.Name(), impl, quickFlag: false) + $" --warmup-records {opts.WarmupRecords}{slow} --json {{0}}"));
        }
        return results;
    }

    private static string Common(BenchOptions o, string workload, string impl, bool quickFlag = true) => string.Create(CultureInfo.InvariantCulture,
        $"--records {o.Records} --runs {o.Runs} --seed {o.Seed}{(o.Quick && quickFlag ? " --quick" : "")} --workload {workload} --impl {impl} --min-run-seconds {o.MinRunSeconds} --warmup-seconds {o.WarmupSeconds}");

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
