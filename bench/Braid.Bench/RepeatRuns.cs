using System.Diagnostics;

namespace Braid.Bench;

/// <summary>
/// <c>--repeat N</c>: the whole harness N times back to back (each run's rows in fresh processes, as always), each
/// run's report in OUT/repeat-K/, then per row the spread of its medians across the runs (<see cref="MedianSpread"/>),
/// printed and written to OUT/repeat.txt. The check of issue 19's "±15% across three back-to-back runs".
/// </summary>
internal static class RepeatRuns
{
    public static List<MedianSpread> Run(BenchOptions opts, string[] args)
    {
        var runs = new List<IReadOnlyList<(string, string, double)>>();
        for (int k = 1; k <= opts.Repeat; k++)
        {
            var sw = Stopwatch.StartNew();
            Console.WriteLine($"=== harness run {k} of {opts.Repeat} ({TimeProvider.System.GetUtcNow():HH:mm:ss} UTC) ===");
            var results = Isolation.RunAll(opts, args);
            Report.Write(results, Path.Combine(opts.Out, $"repeat-{k}"));
            runs.Add(results.Select(r => (r.Impl, r.Workload, r.MedianRps)).ToList());
            Console.WriteLine($"=== harness run {k} took {sw.Elapsed.TotalMinutes:F1} min ===");
        }
        var spreads = MedianSpread.Of(runs);
        string table = MedianSpread.Table(spreads);
        Console.WriteLine();
        Console.Write(table);
        Directory.CreateDirectory(opts.Out);
        File.WriteAllText(Path.Combine(opts.Out, "repeat.txt"), table);
        return spreads;
    }
}
