using System.Globalization;

namespace Braid.Bench.Baselines;

/// <summary>
/// Keeps a row's timed passes out of the machine's slow phases (<see cref="MachineProbe"/>): before a timed pass it
/// probes every CPU and, while one is below <see cref="Limits.Threshold"/> × the run's reference, waits and probes again
/// (at most <see cref="Limits.MaxWait"/> per row); after the pass it probes again, and a pass with a slow probe on either
/// side is re-drawn — not counted, run again on a fresh instance — at most <see cref="Limits.MaxRedraws"/> times per
/// row. Past either limit the row is timed as it comes and its line says so, so a machine that stays slow still
/// finishes the run. Every row is gated alike, the baselines too: ratios compare passes taken in the same machine state.
/// The reference is measured once by the parent process (<see cref="MachineProbe.Reference"/>) and passed to every
/// child, so all rows of a run share one bar. Probes, waits and re-drawn passes are untimed.
/// </summary>
internal sealed class ProbeGate(double reference, Func<double[]> probe, Action<TimeSpan> sleep, ProbeGate.Limits limits)
{
    /// <summary>The policy. Defaults: a CPU below 70% of the reference is slow (the normal state's probes spread about
    /// ±20% around it, the slow phases sit at 30–55%), wait up to 20 s per row in 0.5 s steps, re-draw up to 10 passes
    /// and at most 30 s of passes (a slow stretch of ten minutes, seen in session 16's full run, costs each row in it at most
    /// 50 s and is then timed and marked; a Streamiz row's 20 s pass is re-drawn once at most).</summary>
    public sealed record Limits(double Threshold = 0.7, TimeSpan? MaxWaitOrNull = null, TimeSpan? StepOrNull = null, int MaxRedraws = 10,
        TimeSpan? MaxRedrawnOrNull = null)
    {
        public TimeSpan MaxWait => MaxWaitOrNull ?? TimeSpan.FromSeconds(20);
        public TimeSpan MaxRedrawn => MaxRedrawnOrNull ?? TimeSpan.FromSeconds(30);
        public TimeSpan Step => StepOrNull ?? TimeSpan.FromMilliseconds(500);
    }

    private double _before = double.PositiveInfinity;

    /// <summary>The gate of a row process: probing every CPU against <paramref name="reference"/>, or off when it is 0.</summary>
    public static ProbeGate Create(double reference) => reference > 0
        ? new ProbeGate(reference, new MachineProbe().MeasureEachCpu, Thread.Sleep, new Limits())
        : new ProbeGate(0, () => [], _ => { }, new Limits());

    /// <summary>False when the run has no reference (<c>--probe-reference 0</c>): every pass counts, nothing is probed.</summary>
    public bool Enabled => reference > 0;

    /// <summary>Passes timed and then not counted because a probe beside them was slow.</summary>
    public int Redrawn { get; private set; }

    /// <summary>Time spent waiting for the machine before passes.</summary>
    public TimeSpan Waited { get; private set; }

    /// <summary>The lowest probe beside a counted pass, as a fraction of the reference (1 when none ran).</summary>
    public double LowestKept { get; private set; } = double.PositiveInfinity;

    /// <summary>True once a limit made the row count a pass beside a slow probe.</summary>
    public bool LimitReached { get; private set; }

    private double Bar => limits.Threshold * reference;

    /// <summary>The lower of the last pass's two probes as a fraction of the reference (for <c>BENCH_PROBE_TRACE=1</c>).</summary>
    public double LastProbe { get; private set; } = double.NaN;

    /// <summary>Before a timed pass: waits while a CPU probes slow, within the row's wait budget.</summary>
    public void BeforePass()
    {
        if (!Enabled) return;
        double low = probe().Min();
        while (low < Bar && Waited < limits.MaxWait)
        {
            sleep(limits.Step);
            Waited += limits.Step;
            low = probe().Min();
        }
        _before = low;
    }

    /// <summary>Time of the passes re-drawn so far.</summary>
    public TimeSpan RedrawnTime { get; private set; }

    /// <summary>After a timed pass of <paramref name="elapsed"/>: whether it counts. False means the caller runs the pass again.</summary>
    public bool KeepPass(TimeSpan elapsed)
    {
        if (!Enabled) return true;
        double low = Math.Min(_before, probe().Min());
        _before = double.PositiveInfinity;
        LastProbe = low / reference;
        if (low < Bar)
        {
            if (Redrawn < limits.MaxRedraws && Waited < limits.MaxWait && RedrawnTime + elapsed <= limits.MaxRedrawn)
            {
                Redrawn++;
                RedrawnTime += elapsed;
                return false;
            }
            LimitReached = true;
        }
        LowestKept = Math.Min(LowestKept, low / reference);
        return true;
    }

    /// <summary>The row's line: what the gate did, so a reader sees which rows the machine disturbed.</summary>
    public string Describe() => !Enabled ? "probe off" : string.Create(CultureInfo.InvariantCulture,
        $"probe: {Redrawn} passes re-drawn, waited {Waited.TotalSeconds:F1} s, lowest counted {(double.IsPositiveInfinity(LowestKept) ? 1 : LowestKept):P0} of reference{(LimitReached ? ", LIMIT REACHED (slow machine timed)" : "")}");
}
