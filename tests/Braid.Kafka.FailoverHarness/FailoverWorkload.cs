using Braid.Serialization;

namespace Braid.Kafka.FailoverHarness;

/// <summary>
/// What the instances run: a count per key (clicks → counts, store "counts") and a stream–table join (orders ⋈ customers →
/// enriched, store "customers-store"). Two sub-topologies, so 2 × partitions tasks, all stateful. Under at-least-once a
/// lost input shows as a count below the number of clicks of its key, or an order missing from the joined output;
/// duplicates are allowed (a count may exceed it).
/// </summary>
public static class FailoverWorkload
{
    public const string ApplicationId = "failover";
    public const string Clicks = "clicks", Counts = "counts", Orders = "orders", Customers = "customers", Enriched = "enriched";
    public const int CustomerCount = 200, ClickKeys = 500;

    public static Topology Build()
    {
        var b = new StreamsBuilder();
        b.Stream(Clicks, Consumed.With(Serdes.String, Serdes.String))
            .GroupByKey()
            .Count(Materialized.As<string, long>("counts"))
            .ToStream()
            .To(Counts, Produced.With(Serdes.String, Serdes.Int64));
        var customers = b.Table(Customers, Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("customers-store"));
        b.Stream(Orders, Consumed.With(Serdes.String, Serdes.String))
            .Join(customers, (o, c) => o + "|" + c)
            .To(Enriched, Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    /// <summary>
    /// The customers' timestamp: before every order's (<see cref="InputTimestamp"/>), so a task that has both buffered
    /// applies the customers first (the partition group takes the lowest timestamp). Not 0: librdkafka stamps a record
    /// produced with timestamp 0 with the wall clock, which put every customer after every order. A task that restarted
    /// from its customers' first offset with orders already buffered (the work of an instance that lost its session was
    /// discarded) then joined those orders before their customers — inner-join misses the harness reported as lost input
    /// (session 16: seed 404, 81 orders; CI of 5ccfe2d, 12).
    /// </summary>
    public const long CustomerTimestamp = 1;

    /// <summary>The timestamp of input record <paramref name="i"/> (clicks and orders), above <see cref="CustomerTimestamp"/>.</summary>
    public static long InputTimestamp(int i) => 1000 + i;

    public static string ClickKey(int i) => "k" + (i % ClickKeys);

    public static string Customer(int i) => "c" + (i % CustomerCount);

    /// <summary>Record i of the input: every fourth an order, the rest clicks.</summary>
    public static bool IsOrder(int i) => i % 4 == 3;
}
