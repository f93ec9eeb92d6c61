using Braid.Serialization;

namespace Braid.Tests.Windowed;

/// <summary>Windowed aggregations and suppression are named as Kafka names them (Kafka's SuppressTopologyTest shape).</summary>
public sealed class WindowedTopologyDescriptionTests
{
    [Fact]
    public void WindowedCountWithSuppress_IsDescribedWithKafkasNames()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).GroupByKey()
            .WindowedBy(TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(2))).Count()
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()))
            .ToStream().To("out", Produced.With(WindowedSerdes.TimeWindowed(Serdes.String, TimeSpan.FromMilliseconds(10)), Serdes.Int64));
        var text = b.Build().Describe().ToString();
        Assert.Equal(
            """
            Topologies:
               Sub-topology: 0
                Source: KSTREAM-SOURCE-0000000000 (topics: [in])
                  --> KSTREAM-AGGREGATE-0000000002
                Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])
                  --> KTABLE-SUPPRESS-0000000003
                  <-- KSTREAM-SOURCE-0000000000
                Processor: KTABLE-SUPPRESS-0000000003 (stores: [KTABLE-SUPPRESS-STATE-STORE-0000000004])
                  --> KTABLE-TOSTREAM-0000000005
                  <-- KSTREAM-AGGREGATE-0000000002
                Processor: KTABLE-TOSTREAM-0000000005 (stores: [])
                  --> KSTREAM-SINK-0000000006
                  <-- KTABLE-SUPPRESS-0000000003
                Sink: KSTREAM-SINK-0000000006 (topic: out)
                  <-- KTABLE-TOSTREAM-0000000005

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
    }

    [Fact]
    public void NamedStoresAndSuppression_UseTheGivenNames_AndReduceUsesTheReducePrefix()
    {
        var b = new StreamsBuilder();
        var g = b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).GroupByKey();
        g.WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(TimeSpan.FromMilliseconds(5))).Count(Materialized.As<string, long>("sessions"))
            .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()) with { Name = "final" });
        g.WindowedBy(SlidingWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(5))).Reduce((x, y) => x + y);
        g.WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(5))).EmitStrategy(EmitStrategy.OnWindowClose()).Count(Materialized.As<string, long>("tumbling"));
        var nodes = b.Build().Describe().Subtopologies.SelectMany(s => s.Nodes).ToDictionary(n => n.Name);
        Assert.Equal(["sessions"], nodes["KSTREAM-AGGREGATE-0000000001"].Stores);
        Assert.Equal(["final-store"], nodes["final"].Stores);
        Assert.Equal(["KSTREAM-REDUCE-STATE-STORE-0000000002"], nodes["KSTREAM-REDUCE-0000000003"].Stores);
        // emit-on-window-close keeps final results in a buffer named after the aggregate's store
        Assert.Equal(["tumbling", "tumbling-emit-buffer"], nodes["KSTREAM-AGGREGATE-0000000004"].Stores);
    }
}
