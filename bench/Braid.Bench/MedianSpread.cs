using System.Globalization;
using System.Text;

namespace Braid.Bench;

/// <summary>
/// Issue 19's variance target: "the median of each Braid row within ±15% across three back-to-back runs of the
/// harness". One row's medians from N harness runs (<c>--repeat N</c>); pure, tested in tests/Braid.Bench.Tests.
/// Within ±15%: every run's median lies within ±15% of the median of the runs' medians (the middle one of three).
/// The spread, max/min − 1, is printed beside it; spread ≤ 15% is the stricter reading (every pair of runs within 15%).
/// </summary>
internal sealed record MedianSpread(string Impl, string Workload, IReadOnlyList<double> Medians)
{
    public const double Tolerance = 0.15;

    public double Center => RunSummaryMedian(Medians);

    /// <summary>max / min − 1 over the runs' medians (infinite when a run measured 0).</summary>
    public double Spread => Medians.Min() <= 0 ? double.PositiveInfinity : Medians.Max() / Medians.Min() - 1;

    public bool Within => Medians.Count > 0 && Medians.All(m => Math.Abs(m - Center) <= Tolerance * Center);

    /// <summary>One row per (impl, workload) present in every run, in the first run's order.</summary>
    public static List<MedianSpread> Of(IReadOnlyList<IReadOnlyList<(string Impl, string Workload, double Median)>> runs) =>
        runs.Count == 0 ? [] : runs[0]
            .Select(r => (r.Impl, r.Workload))
            .Distinct()
            .Where(k => runs.All(run => run.Any(x => x.Impl == k.Impl && x.Workload == k.Workload)))
            .Select(k => new MedianSpread(k.Impl, k.Workload, runs.Select(run => run.First(x => x.Impl == k.Impl && x.Workload == k.Workload).Median).ToList()))
            .ToList();

    public static string Table(IReadOnlyList<MedianSpread> rows)
    {
        var sb = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{"impl",-18}{"workload",-24}{"medians (rec/s), one per harness run",-44}{"spread",9}  within ±15%\n"));
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Impl,-18}{r.Workload,-24}{string.Join(" / ", r.Medians.Select(m => m.ToString("N0", CultureInfo.InvariantCulture))),-44}{r.Spread,9:P0}  {(r.Within ? "yes" : "NO")}\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"{rows.Count(r => r.Within)} of {rows.Count} rows within ±15% of their middle median; {rows.Count(r => r.Spread <= Tolerance)} of {rows.Count} with spread (max/min − 1) ≤ 15%\n");
        return sb.ToString();
    }

    private static double RunSummaryMedian(IReadOnlyList<double> values) => Baselines.RunSummary.Median(values.Order().ToList());
}
