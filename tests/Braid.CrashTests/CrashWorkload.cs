using Braid.Embedded;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.CrashTests;

/// <summary>
/// The crash workload: orders enriched with a customer table (stream–table left join), orders matched
/// with payments within 5 s (stream–stream inner join), and customers joined with addresses
/// (table–table join), plus two aggregates that double-count on any duplicate: a running count and sum of
/// order amounts per customer ("order-totals", value "count:sum"), and a count per region through a
/// repartition topic ("region-counts", exercising an internal topic). Input timestamps strictly increase in
/// generation order, so the driver (which processes in pipe order) and the runtime (lowest timestamp first)
/// see the same order.
/// </summary>
public static class CrashWorkload
{
    public static readonly string[] Inputs = ["customers", "addresses", "orders", "payments"];

    /// <summary>Outputs whose records are defined one by one (each key is produced by one task, in order).</summary>
    public static readonly string[] Outputs = ["enriched", "matched", "profiles", "order-totals"];

    /// <summary>Fed by several tasks through a repartition topic: only the final value per key is defined.</summary>
    public const string RegionCounts = "region-counts";

    /// <summary>The amount of an order value "o{i}": what "order-totals" sums.</summary>
    public static long Amount(string order) => long.Parse(order.AsSpan(1)) % 97;

    /// <summary>When positive, processing sleeps 1 ms every this many records (crash runs: so that kills
    /// keep landing while input is still being processed instead of on an idle application).</summary>
    public static int ThrottleEvery { get; set; }

    private static int _seen;

    private static void Throttle()
    {
        if (ThrottleEvery > 0 && Interlocked.Increment(ref _seen) % ThrottleEvery == 0) Thread.Sleep(1);
    }

    public static Topology Build()
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var customers = b.Table("customers", strings, Materialized.As<string, string>("customers-store"));
        var addresses = b.Table("addresses", strings, Materialized.As<string, string>("addresses-store"));
        var orders = b.Stream("orders", strings).Peek((_, _) => Throttle());
        var payments = b.Stream("payments", strings);
        var produced = Produced.With(Serdes.String, Serdes.String);
        orders.LeftJoin(customers, (o, c) => $"{o}|{c ?? "-"}").To("enriched", produced);
        orders.Join(payments, (o, p) => $"{o}+{p}", JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromSeconds(5))).To("matched", produced);
        customers.Join(addresses, (c, a) => $"{c}@{a}", Materialized.As<string, string>("profiles-store")).ToStream().To("profiles", produced);
        orders.GroupByKey().Aggregate(() => "0:0", (_, o, agg) =>
            {
                var parts = agg.Split(':');
                return $"{long.Parse(parts[0]) + 1}:{long.Parse(parts[1]) + Amount(o!)}";
            }, Materialized.As<string, string>("order-totals-store"))
            .ToStream().To("order-totals", produced);
        var grouped = new Grouped<string, string> { KeySerde = Serdes.String, ValueSerde = Serdes.String };
        orders.GroupBy((k, _) => "region" + (k![^1] - '0') % 3, grouped).Count(Materialized.As<string, long>("region-counts-store"))
            .ToStream().MapValues(n => n.ToString()).To("region-counts", produced);
        return b.Build();
    }

    /// <summary>Deterministic input: (topic, key, value, timestamp) in timestamp order.</summary>
    public static List<(string Topic, string Key, string? Value, long Timestamp)> Generate(int records, int seed)
    {
        var rng = new Random(seed);
        int keys = Math.Max(10, records / 20);
        var list = new List<(string, string, string?, long)>(records);
        long ts = 1_700_000_000_000;
        for (int i = 0; i < records; i++)
        {
            ts += rng.Next(1, 200);
            string key = "c" + rng.Next(keys);
            int dice = rng.Next(100);
            if (dice < 15) list.Add(("customers", key, dice < 2 ? null : $"name{i}", ts));
            else if (dice < 25) list.Add(("addresses", key, $"addr{i}", ts));
            else if (dice < 70) list.Add(("orders", key, $"o{i}", ts));
            else list.Add(("payments", key, $"p{i}", ts));
        }
        return list;
    }

    /// <summary>The reference output: the same input through the TopologyTestDriver.</summary>
    public static Dictionary<string, List<(string? Key, string? Value, long Timestamp)>> Reference(List<(string Topic, string Key, string? Value, long Timestamp)> input)
    {
        using var driver = new TopologyTestDriver(Build());
        var topics = Inputs.ToDictionary(t => t, t => driver.CreateInputTopic<string, string>(t, Serdes.String, Serdes.String));
        foreach (var (topic, key, value, ts) in input) topics[topic].PipeInput(key, value, ts);
        return Outputs.Append(RegionCounts).ToDictionary(o => o, o => driver.CreateOutputTopic<string, string>(o, Serdes.String, Serdes.String)
            .ReadRecordsToList().Select(r => (r.Key, r.Value, r.Timestamp)).ToList());
    }

    public static BraidApplicationOptions Options(string dir, ProcessingGuarantee guarantee, Durability durability = Durability.ProcessCrash) => new()
    {
        Durability = durability,
        Streams = new StreamsConfig { ApplicationId = "crash" },
        StateDirectory = dir,
        ProcessingGuarantee = guarantee,
        DefaultPartitions = 2,
        StreamThreads = 2,
        // Small batches and frequent commits: many commits per run, so kills land in every phase.
        CommitInterval = TimeSpan.FromMilliseconds(5),
        MaxPollRecords = 25,
    };
}
