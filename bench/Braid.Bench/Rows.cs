using System.Diagnostics;
using System.Text.Json;
using Braid.Bench.Baselines;
using Braid.Bench.Nexmark;

namespace Braid.Bench;

/// <summary>
/// Runs the rows a child process was asked for (normally one workload × one implementation) and writes them as JSON
/// for the parent (<see cref="Isolation"/>). Each row: an untimed warm-up on a different seed, then the time-based
/// timed runs (<see cref="Measure"/>).
/// </summary>
internal static class Rows
{
    public static void RunAndWrite(BenchOptions opts, string jsonPath)
    {
        using var allocations = AllocationTypes.StartIfRequested();
        using var dynamicMethods = DynamicMethods.StartIfRequested();
        var results = Run(opts);
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(results, BenchResult.Json));
        allocations?.Print(Console.Out);
        dynamicMethods?.Print(Console.Out);
    }

    /// <summary>Whether the implementation has a row for the workload (the parent only starts children that do).</summary>
    public static bool Applies(Workload w, string impl, bool quick) => impl switch
    {
        "braid-driver" => true,
        // Quick mode skips the timeline on RocksDB: each commit serializes every touched follower's member list.
        "braid-rocksdb" => !(quick && w == Workload.Timeline),
        "braid-embedded" => (EmbeddedWorkload.Supports(w) && w != Workload.Timeline) || NexmarkQueries.IsNexmark(w),
        // The shared workloads' plain rows come from the baselines process (with its plain-serdes row).
        "plain" => WorkloadNames.BraidOnly.Contains(w) || NexmarkQueries.IsNexmark(w),
        _ => false,
    };

    public static List<BenchResult> Run(BenchOptions opts)
    {
        var results = new List<BenchResult>();
        foreach (var w in opts.Workloads)
        {
            foreach (var impl in opts.Impls.Where(i => Applies(w, i, opts.Quick)))
            {
                if (w == Workload.Timeline) results.Add(Timeline(opts, impl));
                else if (NexmarkQueries.IsNexmark(w)) results.Add(NexmarkRows.Run(opts, w, impl));
                else results.Add(Record(opts, w, impl));
            }
        }
        return results;
    }

    /// <summary>Warm-up, then the timed runs: both in <see cref="Measure.Run"/> (time-based, see there).</summary>
    public static BenchResult Timed(string impl, string workload, int records, int runs, Func<(Action Run, Func<long> Outputs)> warm,
        Func<(Action Run, Func<long> Outputs)> prepare) => Measure.Run(impl, workload, records, runs, warm, prepare);

    private static BenchResult Record(BenchOptions opts, Workload w, string impl)
    {
        var data = Shapes.Create(w, opts.Records, opts.Seed);
        var warm = Shapes.Create(w, opts.WarmupRecords, opts.Seed + 1);
        long reference = PlainReference.Count(data);
        Func<Dataset, (Action, Func<long>)> prepare = impl switch
        {
            "braid-driver" => d => BraidWorkloads.Prepare(d, StoreKind.Memory),
            "braid-rocksdb" => d => BraidWorkloads.Prepare(d, StoreKind.RocksDb),
            "braid-embedded" => EmbeddedWorkload.Prepare,
            _ => PlainReference.Prepare,
        };
        return Timed(impl, w.Name(), data.Count, opts.Runs, () => prepare(warm), () => prepare(data)).Checked(reference);
    }

    /// <summary>The timeline is checked by state (final timelines vs a plain model, in the first warm-up run) rather than by count.</summary>
    private static BenchResult Timeline(BenchOptions opts, string impl)
    {
        var events = TimelineWorkload.Generate(Math.Min(opts.Records, TimelineWorkload.MaxEvents), opts.Seed);
        var warm = events[..Math.Min(events.Length, opts.WarmupRecords)];
        bool verified = false;
        Func<TimelineWorkload.Event[], (Action, Func<long>)> prepare = impl switch
        {
            "braid-driver" or "braid-rocksdb" => e =>
            {
                var r = TimelineWorkload.Prepare(e, verify: !verified, impl == "braid-driver" ? StoreKind.Memory : StoreKind.RocksDb);
                verified = true;
                return r;
            },
            _ => e =>
            {
                var r = PlainTimeline.Prepare(e, verify: !verified);
                verified = true;
                return r;
            },
        };
        return Timed(impl, Workload.Timeline.Name(), events.Length, opts.Runs, () => prepare(warm), () => prepare(events))
            with { Check = "ok (state)" };
    }
}
