using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Braid.Bench.Baselines;

internal static class Report
{
    /// <summary>
    /// Compares a result with the plain join's output count on the same input: plain-serdes must always match;
    /// Streamiz must match on inner joins; Streamiz's left join emits unmatched left records eagerly, so it differs.
    /// </summary>
    public static void Check(Result r, long reference)
    {
        r.ReferenceOutputs = reference;
        bool equal = r.Outputs == reference;
        bool mustMatch = r.Impl.StartsWith("plain", StringComparison.Ordinal) || WorkloadNames.Parse(r.Workload).IsInner();
        r.Check = !r.OutputsStable || (mustMatch && !equal) ? "MISMATCH" : equal ? "ok" : "differs-expected";
    }

    public static void PrintTable(IReadOnlyList<Result> results, TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"{"impl",-17} {"workload",-20} {"records",9} {"min rec/s",12} {"median rec/s",13} {"max rec/s",12} " +
                    $"{"outputs",9} {"B/rec",8} {"peakWS MB",9}  note");
        w.WriteLine(new string('-', 128));
        foreach (var r in results)
        {
            string note = r.Check switch
            {
                "ok" => "",
                "differs-expected" => $"plain={r.ReferenceOutputs} (Streamiz: eager left emission)",
                _ when r.Check.StartsWith("ok (", StringComparison.Ordinal) => "results equal plain C#'s " + r.Check[3..],
                _ => $"MISMATCH plain={r.ReferenceOutputs}" + (r.OutputsStable ? "" : " (unstable across runs)"),
            };
            if (r.Capped) note = $"capped from {r.RequestedRecords} " + note;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Impl,-17} {r.Workload,-20} {r.Records,9} {r.MinRps,12:N0} {r.MedianRps,13:N0} {r.MaxRps,12:N0} " +
                $"{r.Outputs,9} {r.BytesPerRecord,8:F1} {r.PeakWorkingSetBytes / 1048576.0,9:F0}  {note}"));
        }
        string scope = results.Count > 0 && results.All(r => r.PeakWorkingSetScope == "per-pair")
            ? "peak working set: per process, VmHWM reset before each (impl, workload); includes runtime and generated input"
            : "peak working set: per process, cumulative (includes everything run before in this process)";
        w.WriteLine(scope);
    }

    public static void PrintMismatches(IReadOnlyList<Result> results, TextWriter w)
    {
        foreach (var r in results.Where(r => r.Check == "MISMATCH"))
            w.WriteLine($"MISMATCH: {r.Impl} {r.Workload} records={r.Records}: outputs={r.Outputs}, plain={r.ReferenceOutputs}" +
                        (r.OutputsStable ? "" : ", outputs differ between runs"));
    }

    public static void WriteJson(IReadOnlyList<Result> results, string path)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(results, options) + Environment.NewLine);
    }
}
