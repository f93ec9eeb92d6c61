using Braid.Serialization;
using Braid.State;
using Braid.Testing;

namespace Braid.Tests.State;

/// <summary>Kafka-style lookups beside TryGet: Get(key) and window Fetch(key, time), null when absent, and Grouped.With.</summary>
public sealed class StoreLookupTests
{
    [Fact]
    public void Get_ReturnsTheValue_OrNullWhenAbsent_ForReferenceAndValueTypes()
    {
        var b = new StreamsBuilder();
        var views = b.Stream("views", Consumed.With(Serdes.String, Serdes.String));
        b.Table("products", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        // Grouped.With names the repartition serdes the way Kafka Streams users write it.
        views.GroupBy((_, product) => product!, Grouped.With(Serdes.String, Serdes.String)).Count(Materialized.As<string, long>("counts"));
        using var driver = new TopologyTestDriver(b.Build());
        driver.CreateInputTopic("products", Serdes.String, Serdes.String).PipeInput("p1", "laptop", 1_000);
        var input = driver.CreateInputTopic("views", Serdes.String, Serdes.String);
        input.PipeInput("u1", "p1", 2_000);
        input.PipeInput("u2", "p1", 3_000);

        var products = driver.GetTimestampedKeyValueStore<string, string>("products-store");
        Assert.Equal(new ValueAndTimestamp<string>("laptop", 1_000), products.Get("p1"));
        Assert.Null(products.Get("p2"));

        var counts = driver.GetTimestampedKeyValueStore<string, long>("counts");
        Assert.Equal(2L, counts.Get("p1")?.Value);
        // A missing count is null, not a zero that reads like "seen no times".
        ValueAndTimestamp<long>? missing = counts.Get("p2");
        Assert.Null(missing);
    }

    [Fact]
    public void WindowFetch_ByKeyAndWindowStart_ReturnsThatWindowsAggregate_OrNull()
    {
        var b = new StreamsBuilder();
        b.Stream("clicks", Consumed.With(Serdes.String, Serdes.String))
            .GroupByKey()
            .WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromSeconds(10)))
            .Count(Materialized.As<string, long>("clicks-per-10s"));
        using var driver = new TopologyTestDriver(b.Build());
        var input = driver.CreateInputTopic("clicks", Serdes.String, Serdes.String);
        input.PipeInput("a", "x", 1_000);
        input.PipeInput("a", "x", 9_000);
        input.PipeInput("a", "x", 12_000);

        var store = driver.GetTimestampedWindowStore<string, long>("clicks-per-10s");
        Assert.Equal(2L, store.Fetch("a", 0)?.Value);
        Assert.Equal(1L, store.Fetch("a", 10_000)?.Value);
        Assert.Null(store.Fetch("a", 20_000));
        Assert.Null(store.Fetch("b", 0));
        Assert.Null(store.Fetch("a", 1_000)); // a time inside a window is not its start
    }
}
