using System.Diagnostics;
using System.Globalization;
using Braid.Bench.Baselines;

namespace Braid.Bench;

/// <summary>
/// Warms a row up and times it. Warm-up: passes over a smaller input on another seed, at least
/// <see cref="MinWarmupPasses"/> and until <see cref="Timing.MinWarmup"/> has passed, so the JIT's tiering (call-count
/// delay, tier-0 instrumented code for PGO, tier 1, OSR for long loops) has settled before the clock starts, and then
/// on while a pass still compiles methods (at most <see cref="MaxWarmupFactor"/> × the minimum); the warm-up used to stop
/// after 10 passes, 0.2 s on the fastest rows. Timed runs: see <see cref="TimedRun"/> (each at least
/// <see cref="Timing.MinRun"/>, repeated passes over fresh instances, preparation and the GC before each pass untimed).
/// </summary>
internal static class Measure
{
    public const int MinWarmupPasses = 2;

    /// <summary>Warm-up stops at this multiple of the minimum even if its passes still compile methods.</summary>
    public const int MaxWarmupFactor = 5;

    /// <summary>The child's timing settings, from its command line (<c>--min-run-seconds</c>, <c>--warmup-seconds</c>).</summary>
    public sealed record Timing(TimeSpan MinRun, TimeSpan MinWarmup, double ProbeReference = 0)
    {
        public static readonly Timing Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    public static Timing Settings { get; set; } = Timing.Default;

    /// <summary><c>BENCH_PROBE_TRACE=1</c>: each timed pass's rate beside its machine probe (<see cref="ProbeGate"/>).</summary>
    private static readonly bool Trace = Environment.GetEnvironmentVariable("BENCH_PROBE_TRACE") == "1";

    public static BenchResult Run(string impl, string workload, int records, int runs, Func<(Action Run, Func<long> Outputs)> warm,
        Func<(Action Run, Func<long> Outputs)> prepare)
    {
        Console.Write($"  {impl,-16} {workload,-24} n={records} ... ");
        var total = Stopwatch.StartNew();
        var settings = Settings;
        var sw = Stopwatch.StartNew();
        int warmPasses = 0;
        long warmJitted;
        do
        {
            // Beyond the minimum, warm-up goes on while its passes still compile methods (tiering not settled), up to
            // MaxWarmupFactor times the minimum time.
            long jit0 = System.Runtime.JitInfo.GetCompiledMethodCount();
            warm().Run();
            warmJitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jit0;
            warmPasses++;
        }
        while (warmPasses < MinWarmupPasses || sw.Elapsed < settings.MinWarmup || (warmJitted > 0 && sw.Elapsed < settings.MinWarmup * MaxWarmupFactor));
        double warmSeconds = sw.Elapsed.TotalSeconds;
        // Methods compiled while a timed pass runs (tier-1 or OSR code arriving mid-run, on any thread) mean the
        // warm-up was too short: counted and printed on the row's line. Preparation between passes is not counted.
        long jitted = 0;
        var timed = new List<TimedRun>();
        var info = ProcessInfo.StartIfRequested();
        var gate = ProbeGate.Create(settings.ProbeReference);
        var passTrace = PassTrace.StartIfRequested();
        var pinning = PassPinning.ForCurrentThread(impl); // BENCH_PIN_PASSES=1: timed passes spread over the vCPUs evenly (PassPinning)
        long outputs = 0;
        for (int r = 0; r < runs; r++)
        {
            var run = new TimedRun(records, settings.MinRun);
            while (!run.Done)
            {
                pinning?.PinNext();
                long p0 = Stopwatch.GetTimestamp();
                var (pass, count) = prepare();
                gate.BeforePass(); // before the GC: the probe's garbage and its map's young references are collected
                GC.Collect();
                long alloc0 = GC.GetTotalAllocatedBytes(true);
                long jit0 = System.Runtime.JitInfo.GetCompiledMethodCount();
                info?.BeforePass();
                var prepared = Stopwatch.GetElapsedTime(p0);
                passTrace?.BeforePass();
                long t0 = Stopwatch.GetTimestamp();
                pass();
                long t1 = Stopwatch.GetTimestamp();
                passTrace?.AfterPass(records, Stopwatch.GetElapsedTime(t0, t1), prepared);
                info?.AfterPass(records);
                jitted += System.Runtime.JitInfo.GetCompiledMethodCount() - jit0;
                long allocated = GC.GetTotalAllocatedBytes(true) - alloc0;
                outputs = count();
                bool keep = gate.KeepPass(Stopwatch.GetElapsedTime(t0, t1));
                if (keep) run.Add(Stopwatch.GetElapsedTime(t0, t1), allocated);
                if (Trace) Console.Write(string.Create(CultureInfo.InvariantCulture, $"[pass {records / Stopwatch.GetElapsedTime(t0, t1).TotalSeconds / 1e6:F2}M/s probe {gate.LastProbe:P0}{(keep ? "" : " re-drawn")}] "));
            }
            timed.Add(run);
        }
        pinning?.Release();
        var s = RunSummary.Of(timed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median {s.MedianRps:N0} rec/s (min {s.MinRps:N0}, max {s.MaxRps:N0}; {runs} runs, {s.Passes} passes, shortest {s.ShortestRunSeconds:F2} s; warm-up {warmPasses} passes {warmSeconds:F1} s, its last pass jitted {warmJitted}; methods jitted in timed passes {jitted}; {gate.Describe()}), outputs {outputs} ({total.Elapsed.TotalSeconds:F1} s)"));
        info?.Print(Console.Out);
        return new BenchResult(impl, workload, records, runs, s.MinRps, s.MedianRps, s.MaxRps, outputs,
            s.BytesPerRecord, Process.GetCurrentProcess().PeakWorkingSet64) { Passes = s.Passes, ShortestRunSeconds = s.ShortestRunSeconds, RedrawnPasses = gate.Redrawn, ProbeWaitSeconds = gate.Waited.TotalSeconds };
    }

    /// <summary>Marks the result MISMATCH when its output count differs from the plain reference on the same input.</summary>
    public static BenchResult Checked(this BenchResult r, long reference) =>
        r with { ReferenceOutputs = reference, Check = r.Outputs == reference ? "ok" : "MISMATCH" };
}

/// <summary>Per-workload data shape: the shared workloads use the baselines' defaults so all rows see identical input.</summary>
internal static class Shapes
{
    /// <summary>Fewer keys and 200 ms of timestamp jitter, so each key has many versions and lookups hit older ones.</summary>
    public static Dataset Create(Workload w, int records, long seed) => w == Workload.VersionedStreamTable
        ? Dataset.Create(w, records, 1_000, seed, 1, 200)
        : Dataset.Create(w, records, 10_000, seed, 1, 0);
}
