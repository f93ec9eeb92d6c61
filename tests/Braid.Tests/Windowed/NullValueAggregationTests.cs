using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Windowed;

/// <summary>
/// One rule for every aggregation (docs/differences.md): a null-value record is dropped (counted as
/// <c>null-value</c>), is not aggregated and does not move the aggregation's stream time — Kafka's javadoc for
/// all of them and Kafka's code for KStreamAggregate, KStreamReduce and KStreamSlidingWindowAggregate; Kafka's
/// KStreamWindowAggregate and KStreamSessionWindowAggregate code counts such records.
/// </summary>
public sealed class NullValueAggregationTests
{
    private static TimeSpan Ms(long ms) => TimeSpan.FromMilliseconds(ms);

    public static TheoryData<string> Kinds() => new() { "time", "sliding", "session" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void WindowedCount_DropsNullValueRecords_WithoutMovingStreamTime(string kind)
    {
        using var h = kind switch
        {
            "time" => new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(TimeWindows.OfSizeWithNoGrace(Ms(10))).Count()),
                WindowedSerdes.TimeWindowed(Serdes.String, Ms(10))),
            "sliding" => new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SlidingWindows.OfTimeDifferenceWithNoGrace(Ms(10))).Count()),
                WindowedSerdes.TimeWindowed(Serdes.String, Ms(10))),
            _ => new WindowHarness(g => WindowHarness.AsText(g.WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(Ms(10))).Count()),
                WindowedSerdes.SessionWindowed(Serdes.String)),
        };
        h.Pipe("k", "a", 0);
        // Counted by Kafka's time and session code (a count of 2, and stream time 100 would make the next record late).
        Assert.Empty(h.Pipe("k", null, 100));
        var updates = h.Pipe("k", "b", 5);
        Assert.NotEmpty(updates);
        Assert.Contains(updates, u => u.StartsWith("k[0,", StringComparison.Ordinal) && u.Contains("=2@", StringComparison.Ordinal));
        Assert.Equal(1, h.Dropped("null-value"));
        Assert.Equal(0, h.Dropped("expired-window"));
    }

    [Fact]
    public void Count_DropsNullValueRecords()
    {
        var b = new StreamsBuilder();
        b.Stream<string, string>("in").GroupByKey().Count(Materialized.As<string, long>("counts"));
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic<string, string>("in");
        input.PipeInput("k", "a", 0);
        input.PipeInput("k", null, 1);
        Assert.True(d.GetTimestampedKeyValueStore<string, long>("counts").TryGet("k", out var count));
        Assert.Equal(1, count.Value);
    }
}
