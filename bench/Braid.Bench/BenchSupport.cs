using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Braid.Bench;

internal sealed record BenchOptions(int Records, int Runs, long Seed, bool CompareStreamiz)
{
    public static BenchOptions Parse(string[] args)
    {
        int records = 1_000_000, runs = 3;
        long seed = 42;
        bool compare = false, quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--records": records = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--compare" when i + 1 < args.Length && args[i + 1] == "streamiz": compare = true; i++; break;
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'; use --records N --runs R --seed S --compare streamiz --quick");
            }
        }
        if (quick) records = Math.Min(records, 200_000);
        return new BenchOptions(records, runs, seed, compare);
    }
}

internal sealed record BenchResult(string Impl, string Workload, int Records, int Runs, double MinRps, double MedianRps, double MaxRps,
    long Outputs, double BytesPerRecord, long PeakWorkingSetBytes)
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

internal static class Report
{
    public static void Print(IReadOnlyList<BenchResult> results)
    {
        Console.WriteLine($"{"impl",-18}{"workload",-22}{"records",10}{"min rec/s",14}{"median rec/s",14}{"max rec/s",14}{"outputs",10}{"B/rec",9}{"peak MB",9}");
        foreach (var r in results.OrderBy(r => r.Workload, StringComparer.Ordinal).ThenByDescending(r => r.MedianRps))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Impl,-18}{r.Workload,-22}{r.Records,10}{r.MinRps,14:N0}{r.MedianRps,14:N0}{r.MaxRps,14:N0}{r.Outputs,10}{r.BytesPerRecord,9:F0}{r.PeakWorkingSetBytes / 1048576.0,9:F0}"));
        }
    }

    public static void Write(IReadOnlyList<BenchResult> results, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(results, BenchResult.Json) + "\n");
        var csv = new StringBuilder("impl,workload,records,runs,min_rps,median_rps,max_rps,outputs,bytes_per_record,peak_working_set_bytes\n");
        foreach (var r in results)
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Impl},{r.Workload},{r.Records},{r.Runs},{r.MinRps:F0},{r.MedianRps:F0},{r.MaxRps:F0},{r.Outputs},{r.BytesPerRecord:F1},{r.PeakWorkingSetBytes}\n"));
        File.WriteAllText(Path.Combine(dir, "results.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "results.html"), Chart(results));
    }

    /// <summary>A self-contained HTML page with one horizontal bar chart (log scale) per workload.</summary>
    private static string Chart(IReadOnlyList<BenchResult> results)
    {
        var sb = new StringBuilder("<!doctype html><meta charset=utf-8><title>Braid benchmark</title><body style=\"font-family:sans-serif\"><h1>Braid vs Streamiz vs plain C# (median records/s, log scale)</h1>");
        double max = Math.Log10(results.Max(r => r.MedianRps));
        foreach (var g in results.GroupBy(r => r.Workload))
        {
            var rows = g.OrderByDescending(r => r.MedianRps).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"<h2>{g.Key}</h2><svg width=900 height={rows.Count * 28 + 10}>");
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                double w = Math.Max(1, 560 * Math.Log10(Math.Max(10, r.MedianRps)) / max);
                string color = r.Impl.StartsWith("braid", StringComparison.Ordinal) ? "#2a7" : r.Impl.StartsWith("plain", StringComparison.Ordinal) ? "#999" : "#c55";
                sb.Append(CultureInfo.InvariantCulture, $"<text x=0 y={i * 28 + 20}>{r.Impl}</text><rect x=170 y={i * 28 + 6} width={w:F0} height=20 fill='{color}'/><text x={175 + w:F0} y={i * 28 + 20}>{r.MedianRps:N0}</text>");
            }
            sb.Append("</svg>");
        }
        return sb.Append("</body>").ToString();
    }
}
