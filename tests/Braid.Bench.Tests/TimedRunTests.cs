using Braid.Bench.Baselines;

namespace Braid.Bench.Tests;

/// <summary>The counting of time-based timed runs (bench/Braid.Bench.Baselines/TimedRun.cs); no clock involved.</summary>
public sealed class TimedRunTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_run_repeats_short_passes_until_their_summed_time_reaches_the_minimum()
    {
        var run = new TimedRun(300_000, Second);
        Assert.False(run.Done);
        for (int i = 0; i < 3; i++)
        {
            run.Add(TimeSpan.FromMilliseconds(300), 1_000);
            Assert.False(run.Done);
        }
        run.Add(TimeSpan.FromMilliseconds(100), 1_000);
        Assert.True(run.Done);
        Assert.Equal(4, run.Passes);
        Assert.Equal(1_200_000, run.Records);
        Assert.Equal(1_200_000, run.RecordsPerSecond, 6);
    }

    [Fact]
    public void A_pass_longer_than_the_minimum_is_the_whole_run()
    {
        var run = new TimedRun(20_000, Second);
        run.Add(TimeSpan.FromSeconds(90), 5);
        Assert.True(run.Done);
        Assert.Equal(1, run.Passes);
        Assert.Equal(20_000 / 90.0, run.RecordsPerSecond, 9);
    }

    [Fact]
    public void A_run_of_passes_that_take_no_time_stops_at_the_pass_limit()
    {
        var run = new TimedRun(0, Second);
        while (!run.Done) run.Add(TimeSpan.Zero, 0);
        Assert.Equal(TimedRun.MaxPasses, run.Passes);
        Assert.Equal(0, run.RecordsPerSecond);
    }

    [Fact]
    public void Bytes_per_record_count_every_pass_of_every_run()
    {
        // Run 1: 1 pass of 100 records, 1,000 bytes; run 2: 3 passes, 9,000 bytes → 10,000 / 400 = 25 B/record.
        // The mean of the runs' per-pass figures (10 and 30) would give 20; bytes over one pass's records 100.
        var one = new TimedRun(100, Second);
        one.Add(TimeSpan.FromSeconds(2), 1_000);
        var two = new TimedRun(100, Second);
        for (int i = 0; i < 3; i++) two.Add(TimeSpan.FromSeconds(0.4), 3_000);
        var s = RunSummary.Of([one, two]);
        Assert.Equal(25, s.BytesPerRecord, 9);
        Assert.Equal(4, s.Passes);
        Assert.Equal(1.2, s.ShortestRunSeconds, 9);
        Assert.Equal(50, s.MinRps, 9);
        Assert.Equal(250, s.MaxRps, 9);
    }

    [Fact]
    public void The_summary_reports_the_middle_run_as_median_whatever_the_order()
    {
        var runs = new[] { 3.0, 1.0, 2.0 }.Select(seconds =>
        {
            var r = new TimedRun(600, TimeSpan.Zero);
            r.Add(TimeSpan.FromSeconds(seconds), 0);
            return r;
        }).ToList();
        var s = RunSummary.Of(runs);
        Assert.Equal(200, s.MinRps, 9);
        Assert.Equal(300, s.MedianRps, 9);
        Assert.Equal(600, s.MaxRps, 9);
        Assert.Equal(2.5, RunSummary.Median([1, 2, 3, 4]), 9);
    }

    [Fact]
    public void A_slow_row_is_capped_to_its_warm_up_rate_times_the_budget()
    {
        // q5 on Streamiz: 2,000 warm-up events in 9 s (222 events/s) → 20 s ≈ 4,444 events, not 20,000.
        Assert.Equal(4_444, SlowRowBudget.Cap(20_000, 2_000, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20)));
        // A row fast enough for the budget keeps every record.
        Assert.Equal(1_000_000, SlowRowBudget.Cap(1_000_000, 100_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)));
        // Never below the floor, never above what was asked for, nothing to go on → unchanged.
        Assert.Equal(SlowRowBudget.MinRecords, SlowRowBudget.Cap(20_000, 100, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(20)));
        Assert.Equal(500, SlowRowBudget.Cap(500, 100, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(20)));
        Assert.Equal(20_000, SlowRowBudget.Cap(20_000, 2_000, TimeSpan.Zero, TimeSpan.FromSeconds(20)));
    }
}
