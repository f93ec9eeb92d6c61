using Braid.Bench.Baselines.Nexmark;

namespace Braid.Bench.Baselines;

/// <summary>
/// Streamiz rows of the Nexmark queries it can express (q3, q5, q8): the same generated events as Braid's rows, timed
/// like every baseline row; the last run's final results are compared with the plain C# reference.
/// </summary>
internal static class NexmarkRuns
{
    public static IEnumerable<Result> Run(Workload query, Options opts)
    {
        var events = NexmarkGenerator.Generate(opts.Records, opts.Seed, NexmarkCodec.Serialize);
        var reference = NexmarkPlain.Run(query, events).Results;
        foreach (var impl in opts.Impls.Where(i => i.StartsWith("streamiz", StringComparison.Ordinal)))
        {
            bool inMemory = impl == "streamiz-memory";
            // Every one of these queries keeps a window store; Streamiz's in-memory one is very slow, so it is capped, and
            // so is q5 on both stores (hopping windows: ~300 events/s on RocksDB here, 480 KB allocated per event).
            int n = inMemory || query == Workload.NexmarkQ5 ? Math.Min(opts.Records, opts.MaxRecordsSlow) : opts.Records;
            var q = new StreamizNexmark(query, inMemory, events);
            Console.Write($"  {impl,-17} {query.Name(),-20} n={n} ... ");
            var r = Runner.Measure(impl, query.Name(), events.Length, q.Prepare, n, Math.Min(n, opts.WarmupRecords), opts.Runs, n < opts.Records, opts.Timing(slow: true));
            n = r.Records;
            var expected = n == events.Length ? reference : NexmarkPlain.Run(query, events[..n]).Results;
            string? diff = NexmarkSpec.Diff(expected, q.Results);
            if (diff is not null) Console.Error.WriteLine($"NEXMARK RESULT MISMATCH {impl} {query.Name()}: {diff}");
            r.ReferenceOutputs = expected.Count;
            r.Check = diff is null ? $"ok ({expected.Count} results)" : "MISMATCH";
            Console.WriteLine($"median {r.MedianRps:N0} events/s ({r.ProbeSummary}) [{r.Check}]");
            yield return r;
        }
    }
}
