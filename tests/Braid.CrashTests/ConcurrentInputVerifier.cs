using Braid.Embedded;
using Braid.Internal.Partitioning;
using Braid.Serialization;

namespace Braid.CrashTests;

/// <summary>
/// The check when the input was produced by another process while the application ran (<c>--inbox</c>).
/// Records then arrive while others are processed, so which customer an order met, and whether an order and
/// a payment arriving late still matched (a window without grace), are timing, as in Kafka Streams without
/// <c>max.task.idle.ms</c>. What must still hold exactly: each input log holds the input once, in order, per
/// partition; each order is enriched exactly once; no match is repeated; the running count and sum per customer
/// is the reference's record for record (it depends on the orders' partition order only); the final count per
/// region and the final profiles table are the reference's.
/// </summary>
public static class ConcurrentInputVerifier
{
    public static Verdict Check(string directory, ProcessingGuarantee guarantee, List<(string Topic, string Key, string? Value, long Timestamp)> input)
    {
        var reference = CrashWorkload.Reference(input);
        using var app = new BraidApplication(CrashWorkload.Build(), CrashWorkload.Options(directory, guarantee));
        List<(string? Key, string? Value, long Timestamp)> Read(string t) =>
            app.CreateReader<string, string>(t, Serdes.String, Serdes.String).ReadToEnd().Select(r => (r.Key, r.Value, r.Timestamp)).ToList();
        int expected = 0, lost = 0, duplicated = 0, order = 0;
        // Inputs: per partition, exactly the records sent into it, in send order.
        var inputProblems = new List<string>();
        foreach (string topic in CrashWorkload.Inputs)
        {
            var reader = app.CreateReader<string, string>(topic, Serdes.String, Serdes.String);
            var got = reader.ReadToEnd().GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).Select(r => r.Value).ToList());
            var want = input.Where(r => r.Topic == topic).GroupBy(r => Murmur2Partitioner.Partition(Serdes.String.Serialize(r.Key)!, 2))
                .ToDictionary(g => g.Key, g => g.Select(r => r.Value).ToList());
            foreach (var (p, w) in want)
            {
                var g = got.GetValueOrDefault(p) ?? [];
                if (!g.SequenceEqual(w)) inputProblems.Add($"{topic}-{p} holds {g.Count} records for {w.Count} sent{(g.Count == w.Count ? ", reordered" : "")}");
            }
        }
        // Each order enriched exactly once (the customer it met is timing).
        var enriched = Read("enriched").GroupBy(r => r.Value!.Split('|')[0]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var r in reference["enriched"])
        {
            expected++;
            int n = enriched.GetValueOrDefault(r.Value!.Split('|')[0]);
            if (n == 0) lost++;
            duplicated += Math.Max(0, n - 1);
        }
        // No match twice (which matches happen is timing).
        duplicated += Read("matched").GroupBy(r => r).Sum(g => g.Count() - 1);
        // The running count and sum per customer: record for record, in order per key.
        var totalsWant = reference["order-totals"];
        var totalsGot = Read("order-totals");
        expected += totalsWant.Count;
        var wantCounts = totalsWant.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        var gotCounts = totalsGot.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (r, n) in wantCounts) lost += Math.Max(0, n - gotCounts.GetValueOrDefault(r));
        foreach (var (r, n) in gotCounts) duplicated += Math.Max(0, n - wantCounts.GetValueOrDefault(r));
        var totalsByKey = totalsWant.GroupBy(r => r.Key).ToDictionary(g => g.Key!, g => g.ToList());
        foreach (var g in totalsGot.GroupBy(r => r.Key!))
            if (totalsByKey.TryGetValue(g.Key, out var w) && w.Count == g.Count() && !w.SequenceEqual(g)) order++;
        int aggregatesWrong = 0;
        foreach (var topic in new[] { "order-totals", CrashWorkload.RegionCounts })
        {
            var got = Verifier.Latest(Read(topic));
            aggregatesWrong += Verifier.Latest(reference[topic]).Count(kv => got.GetValueOrDefault(kv.Key) != kv.Value);
        }
        bool tablesEqual = Verifier.Latest(reference["profiles"]).OrderBy(kv => kv.Key).SequenceEqual(Verifier.Latest(Read("profiles")).OrderBy(kv => kv.Key));
        string repartition = CrashWorkload.Build().Model.InternalTopics.Single(t => t.EndsWith("repartition", StringComparison.Ordinal));
        int orders = input.Count(r => r.Topic == "orders");
        int inRepartition = app.CreateReader<string, string>(repartition, Serdes.String, Serdes.String).ReadToEnd().Count;
        var problems = inputProblems.ToList();
        if (inRepartition != orders) problems.Add($"{repartition} holds {inRepartition} records for {orders} orders");
        return new Verdict(expected, lost, duplicated, order, aggregatesWrong, tablesEqual, problems.Count == 0 ? "ok" : string.Join("; ", problems)) { InputsChecked = true };
    }
}
