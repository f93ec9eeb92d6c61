using Braid.Embedded;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.CrashTests;

/// <summary>
/// The crash workload: orders enriched with a customer table (stream–table left join), orders matched
/// with payments within 5 s (stream–stream inner join), and customers joined with addresses
/// (table–table join), orders left-joined and outer-joined with payments within 2 s ("late-payments",
/// "reconciled": the held non-joined records of a left and an outer join, released once their window closes, so
/// a crash lands while records are held, matched away and released across commits), plus two aggregates that double-count on any duplicate: a running count and sum of
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

    /// <summary>
    /// The left and outer join's outputs: defined record for record per partition, by <see cref="PartitionReference"/>
    /// (a held record is released by stream time, which the runtime keeps per task and the driver over all input).
    /// </summary>
    public static readonly string[] HeldJoinOutputs = ["late-payments", "reconciled"];

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
        // A shorter window than "matched": about half the orders find no payment, so most are held and released.
        var within2s = JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromSeconds(2));
        orders.LeftJoin(payments, (o, p) => $"{o}+{p ?? "-"}", within2s).To("late-payments", produced);
        orders.OuterJoin(payments, (o, p) => $"{o ?? "-"}+{p ?? "-"}", within2s).To("reconciled", produced);
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
        using var driver = new TopologyTestDriver(Build(), Config());
        var topics = Inputs.ToDictionary(t => t, t => driver.CreateInputTopic<string, string>(t, Serdes.String, Serdes.String));
        foreach (var (topic, key, value, ts) in input) topics[topic].PipeInput(key, value, ts);
        return Outputs.Append(RegionCounts).ToDictionary(o => o, o => driver.CreateOutputTopic<string, string>(o, Serdes.String, Serdes.String)
            .ReadRecordsToList().Select(r => (r.Key, r.Value, r.Timestamp)).ToList());
    }

    /// <summary>
    /// The driver's and the runtime's config. The outer-join emit throttle is off: with Kafka's default (1 s of wall
    /// clock between emit passes) when a held record is released would depend on how fast the machine ran, and the
    /// check compares the released records' order per key with the reference's.
    /// </summary>
    public static StreamsConfig Config() => new() { ApplicationId = "crash", OuterJoinEmitInterval = TimeSpan.Zero };

    /// <summary>
    /// The reference of <see cref="HeldJoinOutputs"/>: each partition's input through its own driver, so the join's stream
    /// time is the task's, as in the runtime (one task per partition, its records in timestamp order). A held record is
    /// released by the first record of its task past its window, and since stream time and the join's minTime are
    /// committed (SharedJoinTime.MinHeldTimeNode), a restart does not move that: the output of an interrupted run must equal
    /// this one record for record, per partition.
    /// </summary>
    public static Dictionary<(string Topic, int Partition), List<(string? Key, string? Value, long Timestamp)>> PartitionReference(
        List<(string Topic, string Key, string? Value, long Timestamp)> input, int partitions)
    {
        var result = new Dictionary<(string, int), List<(string?, string?, long)>>();
        for (int p = 0; p < partitions; p++)
        {
            using var driver = new TopologyTestDriver(Build(), Config());
            var topics = Inputs.ToDictionary(t => t, t => driver.CreateInputTopic<string, string>(t, Serdes.String, Serdes.String));
            foreach (var (topic, key, value, ts) in input)
                if (Braid.Internal.Partitioning.Murmur2Partitioner.Partition(Serdes.String.Serialize(key)!, partitions) == p) topics[topic].PipeInput(key, value, ts);
            foreach (var o in HeldJoinOutputs)
                result[(o, p)] = driver.CreateOutputTopic<string, string>(o, Serdes.String, Serdes.String).ReadRecordsToList().Select(r => (r.Key, r.Value, r.Timestamp)).ToList();
        }
        return result;
    }

    public static BraidApplicationOptions Options(string dir, ProcessingGuarantee guarantee, Durability durability = Durability.ProcessCrash) => new()
    {
        Durability = durability,
        Streams = Config(),
        StateDirectory = dir,
        ProcessingGuarantee = guarantee,
        DefaultPartitions = 2,
        StreamThreads = 2,
        // Small batches and frequent commits: many commits per run, so kills land in every phase.
        CommitInterval = TimeSpan.FromMilliseconds(5),
        MaxPollRecords = 25,
    };
}
