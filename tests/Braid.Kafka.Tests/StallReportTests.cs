using Braid.Kafka.FailoverHarness;
using Confluent.Kafka;

namespace Braid.Kafka.Tests;

/// <summary>The fail-over harness's diagnosis when inputs stay unreflected (<see cref="StallReport"/>).</summary>
public sealed class StallReportTests
{
    private static ChildProcess.Report Report(string active, string standby, string asks, long at) =>
        new(active.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), standby.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), 0, true, at)
        {
            AskedFor = asks.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
        };

    // Bugs caught: a stalled task not named (only a count printed), a task that progressed reported as stalled or the reverse,
    // a task committed to its end listed, who runs / keeps / asks for the stalled task missing or taken from a dead instance.
    [Fact]
    public void Names_each_task_behind_its_input_with_whether_it_moved_and_who_runs_keeps_and_asks_for_it()
    {
        var tp = (string topic, int p) => new TopicPartition(topic, p);
        var start = new Dictionary<string, List<(TopicPartition Partition, long Committed, long End)>>
        {
            ["0_0"] = [(tp("clicks", 0), 100, 500)], ["0_1"] = [(tp("clicks", 1), 100, 500)], ["0_2"] = [(tp("clicks", 2), 500, 500)],
        };
        var end = new Dictionary<string, List<(TopicPartition Partition, long Committed, long End)>>
        {
            ["0_0"] = [(tp("clicks", 0), 100, 500)], ["0_1"] = [(tp("clicks", 1), 300, 500)], ["0_2"] = [(tp("clicks", 2), 500, 500)],
        };
        var children = new List<(string, bool, ChildProcess.Report)>
        {
            ("i0", true, Report("0_1", "0_0", "0_1", 900)),
            ("i1", true, Report("", "", "0_0 0_2", 950)),
            ("i2", false, Report("0_0", "", "0_0", 100)),
        };
        var lines = StallReport.Lines(start, end, children, 1000).ToList();
        Assert.Equal("task 0_0 behind (NO PROGRESS during the wait): clicks-0 committed 100→100 of 500; active on [], standby on [i0], asked for by [i1]", lines[0]);
        Assert.Equal("task 0_1 behind (progressing): clicks-1 committed 100→300 of 500; active on [i0], standby on [], asked for by [i0]", lines[1]);
        Assert.DoesNotContain(lines, l => l.Contains("0_2 behind", StringComparison.Ordinal));
        Assert.Equal("i2: DEAD, last report 900 ms ago, running=1, active [0_0], standby [], asks [0_0]", lines[^1]);
    }
}
