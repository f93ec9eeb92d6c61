using Braid.Embedded;
using Braid.Serialization;

namespace Braid.CrashTests;

/// <summary>What the committed output looks like next to the TopologyTestDriver's for the same input.</summary>
public sealed record Verdict(int Expected, int Lost, int Duplicated, int OrderViolations, int AggregateKeysWrong, bool TablesEqual, string Internal)
{
    /// <summary>True when the input logs were checked too (input produced concurrently through the inbox).</summary>
    public bool InputsChecked { get; init; }

    public string Fields => $"expected: {Expected}, lost: {Lost}, duplicated: {Duplicated}, order violations: {OrderViolations}, " +
        $"aggregate keys wrong: {AggregateKeysWrong}, tables equal: {TablesEqual}, {(InputsChecked ? "inputs and internal topics" : "internal topics")}: {Internal}";
}

/// <summary>
/// Compares the committed output with the reference: the multiset of records per output topic (lost and
/// duplicated), the order of records per key (a key lives in one partition, so this is per-partition order
/// as far as the reference defines it), the final count and sum per customer ("order-totals") and count per
/// region ("region-counts"), which a duplicate or a lost record changes, the final table, and the
/// repartition topic (each order exactly once).
/// </summary>
public static class Verifier
{
    public static Verdict Check(string directory, ProcessingGuarantee guarantee, List<(string Topic, string Key, string? Value, long Timestamp)> input)
    {
        var reference = CrashWorkload.Reference(input);
        using var app = new BraidApplication(CrashWorkload.Build(), CrashWorkload.Options(directory, guarantee));
        var actual = CrashWorkload.Outputs.Append(CrashWorkload.RegionCounts).ToDictionary(t => t, t => app.CreateReader<string, string>(t, Serdes.String, Serdes.String)
            .ReadToEnd().Select(r => (r.Key, r.Value, r.Timestamp)).ToList());
        int expected = 0, lost = 0, duplicated = 0, order = 0;
        // region-counts is fed by two tasks through a repartition topic: the order in which their records meet
        // (and so each intermediate count's timestamp) is not defined, only the final count per region is.
        foreach (var topic in CrashWorkload.Outputs)
        {
            var want = reference[topic].GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            var got = actual[topic].GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            expected += reference[topic].Count;
            foreach (var (r, n) in want) lost += Math.Max(0, n - got.GetValueOrDefault(r));
            foreach (var (r, n) in got) duplicated += Math.Max(0, n - want.GetValueOrDefault(r));
            if (Environment.GetEnvironmentVariable("BRAID_CRASH_DIFF") == "1")
            {
                foreach (var (r, n) in want) if (n > got.GetValueOrDefault(r)) Console.WriteLine($"  {topic} lost {r} ×{n - got.GetValueOrDefault(r)}");
                foreach (var (r, n) in got) if (n > want.GetValueOrDefault(r)) Console.WriteLine($"  {topic} extra {r} ×{n - want.GetValueOrDefault(r)}");
            }
            // Per key, the records must come in the reference's order (checked where nothing was lost or repeated).
            var wantByKey = reference[topic].GroupBy(r => r.Key).ToDictionary(g => g.Key ?? "", g => g.ToList());
            foreach (var g in actual[topic].GroupBy(r => r.Key ?? ""))
            {
                if (wantByKey.TryGetValue(g.Key, out var w) && w.Count == g.Count() && !w.SequenceEqual(g))
                {
                    order++;
                    if (Environment.GetEnvironmentVariable("BRAID_CRASH_DIFF") == "1")
                        Console.WriteLine($"  {topic} key {g.Key}: want {string.Join(" ", w.Select(r => r.Value))}\n    got {string.Join(" ", g.Select(r => r.Value))}");
                }
            }
        }
        var (heldExpected, heldLost, heldDuplicated, heldOrder) = CheckHeldJoins(app, input);
        expected += heldExpected;
        lost += heldLost;
        duplicated += heldDuplicated;
        order += heldOrder;
        int aggregatesWrong = 0;
        foreach (var topic in new[] { "order-totals", CrashWorkload.RegionCounts })
        {
            var got = Latest(actual[topic]);
            aggregatesWrong += Latest(reference[topic]).Count(kv => got.GetValueOrDefault(kv.Key) != kv.Value);
        }
        bool tablesEqual = Latest(reference["profiles"]).OrderBy(kv => kv.Key).SequenceEqual(Latest(actual["profiles"]).OrderBy(kv => kv.Key));
        string repartition = CrashWorkload.Build().Model.InternalTopics.Single(t => t.EndsWith("repartition", StringComparison.Ordinal));
        int orders = input.Count(r => r.Topic == "orders");
        int inRepartition = app.CreateReader<string, string>(repartition, Serdes.String, Serdes.String).ReadToEnd().Count;
        string internalState = inRepartition == orders ? "ok" : $"{repartition} holds {inRepartition} records for {orders} orders";
        return new Verdict(expected, lost, duplicated, order, aggregatesWrong, tablesEqual, internalState);
    }

    /// <summary>
    /// The left and outer join's outputs against <see cref="CrashWorkload.PartitionReference"/>: lost and duplicated as a
    /// multiset per partition, and the partition's whole sequence in order (the held records released exactly once, by
    /// the same record as without the crashes).
    /// </summary>
    private static (int Expected, int Lost, int Duplicated, int Order) CheckHeldJoins(BraidApplication app, List<(string Topic, string Key, string? Value, long Timestamp)> input)
    {
        int partitions = CrashWorkload.Options("", ProcessingGuarantee.ExactlyOnce).DefaultPartitions;
        var reference = CrashWorkload.PartitionReference(input, partitions);
        int expected = 0, lost = 0, duplicated = 0, order = 0;
        bool diff = Environment.GetEnvironmentVariable("BRAID_CRASH_DIFF") == "1";
        foreach (var topic in CrashWorkload.HeldJoinOutputs)
        {
            var byPartition = app.CreateReader<string, string>(topic, Serdes.String, Serdes.String).ReadToEnd()
                .GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Select(r => (r.Key, r.Value, r.Timestamp)).ToList());
            for (int p = 0; p < partitions; p++)
            {
                var want = reference[(topic, p)];
                var got = byPartition.GetValueOrDefault(p) ?? [];
                expected += want.Count;
                var wantCounts = want.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
                var gotCounts = got.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
                foreach (var (r, n) in wantCounts) lost += Math.Max(0, n - gotCounts.GetValueOrDefault(r));
                foreach (var (r, n) in gotCounts) duplicated += Math.Max(0, n - wantCounts.GetValueOrDefault(r));
                if (want.Count == got.Count && !want.SequenceEqual(got))
                {
                    order++;
                    int at = want.Zip(got).TakeWhile(x => x.First == x.Second).Count();
                    if (diff) Console.WriteLine($"  {topic}-{p} differs at {at}: want {want[at]}, got {got[at]}");
                }
                if (diff && want.Count != got.Count) Console.WriteLine($"  {topic}-{p}: want {want.Count} records, got {got.Count}");
            }
        }
        return (expected, lost, duplicated, order);
    }

    public static bool Passed(Verdict v, bool exactlyOnce) => exactlyOnce
        ? v is { Lost: 0, Duplicated: 0, OrderViolations: 0, AggregateKeysWrong: 0, TablesEqual: true, Internal: "ok" }
        : v is { Lost: 0, TablesEqual: true };

    internal static Dictionary<string, string?> Latest(List<(string? Key, string? Value, long Timestamp)> records)
    {
        var map = new Dictionary<string, string?>();
        foreach (var r in records)
        {
            if (r.Value is null) map.Remove(r.Key!);
            else map[r.Key!] = r.Value;
        }
        return map;
    }
}
