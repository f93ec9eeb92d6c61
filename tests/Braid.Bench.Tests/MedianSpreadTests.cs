namespace Braid.Bench.Tests;

/// <summary>The ±15% check of <c>--repeat N</c> (bench/Braid.Bench/MedianSpread.cs).</summary>
public sealed class MedianSpreadTests
{
    private static List<(string, string, double)> Run(params (string Impl, string Workload, double Median)[] rows) => [.. rows];

    [Fact]
    public void A_row_is_within_when_every_median_is_within_15_percent_of_the_middle_one()
    {
        var rows = MedianSpread.Of([
            Run(("braid-driver", "stream-table", 3.41e6), ("braid-driver", "table-table", 1.00e6)),
            Run(("braid-driver", "stream-table", 2.42e6), ("braid-driver", "table-table", 1.14e6)),
            Run(("braid-driver", "stream-table", 6.38e6), ("braid-driver", "table-table", 0.86e6)),
        ]);
        var st = rows.Single(r => r.Workload == "stream-table");
        Assert.False(st.Within); // the quiet-machine run of issue 19: 3.41M / 2.42M / 6.38M
        Assert.Equal(6.38 / 2.42 - 1, st.Spread, 9);
        var tt = rows.Single(r => r.Workload == "table-table");
        Assert.True(tt.Within); // 0.86 and 1.14 are exactly ±14% of 1.00
        Assert.Equal(1.14 / 0.86 - 1, tt.Spread, 9);
    }

    [Fact]
    public void One_median_just_outside_15_percent_fails_the_row()
    {
        var rows = MedianSpread.Of([Run(("a", "w", 100)), Run(("a", "w", 116)), Run(("a", "w", 100))]);
        Assert.False(rows.Single().Within);
        Assert.True(MedianSpread.Of([Run(("a", "w", 100)), Run(("a", "w", 115)), Run(("a", "w", 100))]).Single().Within);
    }

    [Fact]
    public void Rows_missing_from_a_run_are_left_out_and_the_table_counts_the_rest()
    {
        var rows = MedianSpread.Of([
            Run(("a", "w", 100), ("b", "w", 100)),
            Run(("a", "w", 101)),
            Run(("a", "w", 200), ("b", "w", 100)),
        ]);
        var a = Assert.Single(rows);
        Assert.Equal([100, 101, 200], a.Medians);
        Assert.Contains("0 of 1 rows within ±15%", MedianSpread.Table(rows), StringComparison.Ordinal);
    }
}
