using System.Globalization;

namespace Braid.Bench;

/// <summary>
/// One row measured in several fresh processes (<c>--processes N</c>, issue 19 session 7): the row's median is the
/// median of the processes' medians, and their spread is printed beside it. Why: inside one process the timed runs
/// agree within a few percent, but a process as a whole lands on a level that can differ 1.5–2× from the next
/// process's (stream–stream inner driver, 300k records: 1.5M and 3.4M rec/s a few seconds apart, also with the GC's
/// gen0 budget fixed and no GC in the timed passes); one process per row made the row's result that one draw. Pure,
/// tested in tests/Braid.Bench.Tests.
/// </summary>
internal sealed record ProcessMedians(IReadOnlyList<double> Medians)
{
    /// <summary>The median of the processes' medians (the mean of the middle two for an even count).</summary>
    public double Center => Medians.Count == 0
        ? throw new InvalidOperationException("a row needs at least one process")
        : Baselines.RunSummary.Median(Medians.Order().ToList());

    /// <summary>max / min − 1 over the processes (infinite when one measured 0).</summary>
    public double Spread => Medians.Min() <= 0 ? double.PositiveInfinity : Medians.Max() / Medians.Min() - 1;

    /// <summary>The row's suffix: each process's median in the order they ran, and the spread.</summary>
    public string Describe() => Medians.Count == 1 ? "1 process" : string.Create(CultureInfo.InvariantCulture,
        $"median of {Medians.Count} processes {Center:N0} ({string.Join(" / ", Medians.Select(m => m.ToString("N0", CultureInfo.InvariantCulture)))}; spread {Spread:P0})");
}
