namespace Braid.Bench.Tests;

/// <summary>A row measured in several processes (<c>--processes N</c>, bench/Braid.Bench/ProcessMedians.cs).</summary>
public sealed class ProcessMediansTests
{
    [Fact]
    public void Three_processes_report_the_middle_process_not_the_mean_nor_the_first()
    {
        // Stream–stream inner driver at 300k records, three processes seconds apart (issue 19, session 7): one slow draw.
        var row = new ProcessMedians([1_520_000, 3_440_000, 3_260_000]);
        Assert.Equal(3_260_000, row.Center);
        Assert.Equal(3_440_000 / 1_520_000.0 - 1, row.Spread, 9);
    }

    [Fact]
    public void An_even_number_of_processes_reports_the_mean_of_the_middle_two_after_sorting()
    {
        Assert.Equal(2.5, new ProcessMedians([1, 4, 2, 3]).Center, 9);
        Assert.Equal(7, new ProcessMedians([7]).Center);
    }

    [Fact]
    public void A_process_that_measured_nothing_makes_the_spread_infinite_and_no_processes_is_an_error()
    {
        Assert.Equal(double.PositiveInfinity, new ProcessMedians([0, 5, 6]).Spread);
        Assert.Throws<InvalidOperationException>(() => new ProcessMedians([]).Center);
    }

    [Fact]
    public void The_description_lists_each_process_in_the_order_it_ran_and_the_spread()
    {
        string d = new ProcessMedians([1_520_000, 3_440_000, 3_260_000]).Describe();
        Assert.Contains("median of 3 processes 3,260,000", d, StringComparison.Ordinal);
        Assert.Contains("1,520,000 / 3,440,000 / 3,260,000", d, StringComparison.Ordinal);
        Assert.Contains("spread 126", d, StringComparison.Ordinal);
        Assert.Equal("1 process", new ProcessMedians([3_000_000]).Describe());
    }
}
