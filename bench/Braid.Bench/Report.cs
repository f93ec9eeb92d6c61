using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Braid.Bench;

internal static class Report
{
    public static void Print(IReadOnlyList<BenchResult> results)
    {
        Console.WriteLine($"{"impl",-18}{"workload",-24}{"records",10}{"min rec/s",14}{"median rec/s",14}{"max rec/s",14}{"outputs",10}{"B/rec",9}{"peak MB",9}  check");
        foreach (var r in results.OrderBy(r => r.Workload, StringComparer.Ordinal).ThenByDescending(r => r.MedianRps))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Impl,-18}{r.Workload,-24}{r.Records,10}{r.MinRps,14:N0}{r.MedianRps,14:N0}{r.MaxRps,14:N0}{r.Outputs,10}{r.BytesPerRecord,9:F0}{r.PeakWorkingSetBytes / 1048576.0,9:F0}  {r.Check}"));
        }
        Console.WriteLine();
        Console.Write(Ratios.Table(results));
    }

    public static void Write(IReadOnlyList<BenchResult> results, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(results, BenchResult.Json) + "\n");
        var csv = new StringBuilder("impl,workload,records,runs,min_rps,median_rps,max_rps,outputs,bytes_per_record,peak_working_set_bytes,reference_outputs,check,passes,shortest_run_seconds,redrawn_passes,probe_wait_seconds\n");
        foreach (var r in results)
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Impl},{r.Workload},{r.Records},{r.Runs},{r.MinRps:F0},{r.MedianRps:F0},{r.MaxRps:F0},{r.Outputs},{r.BytesPerRecord:F1},{r.PeakWorkingSetBytes},{r.ReferenceOutputs},{r.Check},{r.Passes},{r.ShortestRunSeconds:F2},{r.RedrawnPasses},{r.ProbeWaitSeconds:F1}\n"));
        File.WriteAllText(Path.Combine(dir, "results.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "ratios.txt"), Ratios.Table(results));
        File.WriteAllText(Path.Combine(dir, "results.html"), Chart(results, dir));
    }

    /// <summary>
    /// A self-contained HTML page: one horizontal bar chart (log scale) per workload, "n/a" where Streamiz has no
    /// such operator, the ratio table, and the memory and latency studies' tables when their CSVs exist.
    /// </summary>
    private static string Chart(IReadOnlyList<BenchResult> results, string dir)
    {
        var sb = new StringBuilder("<!doctype html><meta charset=utf-8><title>Braid benchmark</title><body style=\"font-family:sans-serif\"><h1>Braid vs Streamiz vs plain C# (median records/s, log scale)</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>{results.Max(r => r.Records):N0} records per pass, {results[0].Runs} timed runs per row (each repeats passes for at least a minimum time: passes and shortest_run_seconds in results.csv); output counts checked against plain C# (column check in results.csv).</p>");
        double max = Math.Log10(results.Max(r => r.MedianRps));
        foreach (var g in results.GroupBy(r => r.Workload))
        {
            var rows = g.OrderByDescending(r => r.MedianRps).ToList();
            bool noStreamiz = !rows.Any(r => r.Impl.StartsWith("streamiz", StringComparison.Ordinal));
            sb.Append(CultureInfo.InvariantCulture, $"<h2>{g.Key}</h2><svg width=900 height={(rows.Count + (noStreamiz ? 1 : 0)) * 28 + 10}>");
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                double w = Math.Max(1, 560 * Math.Log10(Math.Max(10, r.MedianRps)) / max);
                string color = r.Impl.StartsWith("braid", StringComparison.Ordinal) ? "#2a7" : r.Impl.StartsWith("plain", StringComparison.Ordinal) ? "#999" : "#c55";
                sb.Append(CultureInfo.InvariantCulture, $"<text x=0 y={i * 28 + 20}>{r.Impl}</text><rect x=170 y={i * 28 + 6} width={w:F0} height=20 fill='{color}'/><text x={175 + w:F0} y={i * 28 + 20}>{r.MedianRps:N0}</text>");
            }
            if (noStreamiz)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=0 y={rows.Count * 28 + 20}>streamiz</text><text x=175 y={rows.Count * 28 + 20} fill='#c55'>n/a (no such operator in Streamiz 1.8.2)</text>");
            sb.Append("</svg>");
        }
        sb.Append("<h2>Ratios (medians from this run)</h2><pre>").Append(System.Net.WebUtility.HtmlEncode(Ratios.Table(results))).Append("</pre>");
        CsvTable(sb, Path.Combine(dir, "memory.csv"), "Stream–stream join state over a long run (--memory)");
        CsvTable(sb, Path.Combine(dir, "latency.csv"), "Embedded runtime: Send → readable latency at half of the maximum throughput (--latency)");
        return sb.Append("</body>").ToString();
    }

    private static void CsvTable(StringBuilder sb, string csv, string title)
    {
        if (!File.Exists(csv)) return;
        sb.Append("<h2>").Append(title).Append("</h2><table border=1 cellpadding=3 style=\"border-collapse:collapse\">");
        foreach (var line in File.ReadAllLines(csv).Where(l => l.Length > 0))
            sb.Append("<tr><td>").Append(string.Join("</td><td>", line.Split(','))).Append("</td></tr>");
        sb.Append("</table>");
    }
}

/// <summary>The ratios the issue's targets are stated in, from one run's medians.</summary>
internal static class Ratios
{
    /// <param name="StreamizCapped">True when no Streamiz row ran on as many records as the driver, so the ratio
    /// compares different state sizes (printed with a star).</param>
    public sealed record Row(string Workload, double? DriverVsPlain, double? RocksVsDriver, double? EmbeddedVsDriver, double? DriverVsStreamiz,
        bool StreamizCapped = false);

    public static List<(string Workload, double Speedup)> StreamizSpeedups(IReadOnlyList<BenchResult> results) =>
        Compute(results).Where(r => r.DriverVsStreamiz is not null).Select(r => (r.Workload, r.DriverVsStreamiz!.Value)).ToList();

    public static List<Row> Compute(IReadOnlyList<BenchResult> results)
    {
        double? Median(string workload, Func<string, bool> impl, int minRecords = 0) =>
            results.Where(r => r.Workload == workload && impl(r.Impl) && r.Records >= minRecords).Select(r => (double?)r.MedianRps).Max();
        double? Ratio(double? a, double? b) => a is null || b is null || b == 0 ? null : a / b;
        static bool Streamiz(string impl) => impl.StartsWith("streamiz", StringComparison.Ordinal);
        return results.Select(r => r.Workload).Distinct().Order(StringComparer.Ordinal).Select(w =>
        {
            double? driver = Median(w, i => i == "braid-driver");
            // Streamiz's best store on the same records as the driver: a row capped at --max-records-slow ran on a
            // fraction of the input with a fraction of the state (its in-memory window store slows down as the state
            // grows: Nexmark q8 52.6k events/s on 20k events, 373 on 300k), so it is used only when no row ran on all.
            int driverRecords = results.Where(r => r.Workload == w && r.Impl == "braid-driver").Select(r => r.Records).DefaultIfEmpty(0).Max();
            double? streamiz = Median(w, Streamiz, driverRecords);
            bool capped = streamiz is null && Median(w, Streamiz) is not null;
            return new Row(w, Ratio(driver, Median(w, i => i == "plain")), Ratio(Median(w, i => i == "braid-rocksdb"), driver),
                Ratio(Median(w, i => i == "braid-embedded"), driver), Ratio(driver, streamiz ?? Median(w, Streamiz)), capped);
        }).ToList();
    }

    public static string Table(IReadOnlyList<BenchResult> results)
    {
        static string F(double? v, string fmt) => v is null ? "—" : v.Value.ToString(fmt, CultureInfo.InvariantCulture);
        var sb = new StringBuilder($"{"workload",-24}{"driver/plain",14}{"rocksdb/driver",16}{"embedded/driver",17}{"driver/streamiz",17}\n");
        foreach (var r in Compute(results))
            sb.Append(CultureInfo.InvariantCulture, $"{r.Workload,-24}{F(r.DriverVsPlain, "P0"),14}{F(r.RocksVsDriver, "P0"),16}{F(r.EmbeddedVsDriver, "P0"),17}{F(r.DriverVsStreamiz, "0.0") + (r.DriverVsStreamiz is null ? "" : r.StreamizCapped ? "x*" : "x"),17}\n");
        if (Compute(results).Any(r => r.StreamizCapped))
            sb.Append("* every Streamiz row of this workload was capped (--max-records-slow, or --slow-row-seconds from its warm-up rate): fewer records and less state than the driver's\n");
        return sb.ToString();
    }
}
