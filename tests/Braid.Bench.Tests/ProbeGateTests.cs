using Braid.Bench.Baselines;

namespace Braid.Bench.Tests;

/// <summary>The machine-probe gate's policy (bench/Braid.Bench.Baselines/ProbeGate.cs) against scripted probes; no
/// clock, no real probe. The reference is 100, so the default bar is 70.</summary>
public sealed class ProbeGateTests
{
    private sealed class Script(params double[][] probes)
    {
        private int _next;
        public int Calls => _next;
        public TimeSpan Slept { get; private set; }
        public double[] Probe() => probes[Math.Min(_next++, probes.Length - 1)];
        public void Sleep(TimeSpan t) => Slept += t;
    }

    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(1);

    private static ProbeGate Gate(Script s, ProbeGate.Limits? limits = null) => new(100, s.Probe, s.Sleep, limits ?? new ProbeGate.Limits());

    [Fact]
    public void A_pass_between_fast_probes_counts_and_nothing_waits()
    {
        var s = new Script([95, 88], [90, 80]);
        var gate = Gate(s);
        gate.BeforePass();
        Assert.True(gate.KeepPass(Pass));
        Assert.Equal(0, gate.Redrawn);
        Assert.Equal(TimeSpan.Zero, gate.Waited);
        Assert.Equal(0.80, gate.LowestKept, 9);
        Assert.Equal(2, s.Calls);
    }

    [Fact]
    public void A_slow_CPU_before_a_pass_makes_the_gate_wait_until_every_CPU_probes_fast()
    {
        // One vCPU slow (the slow phases hit one CPU or both): waiting goes on until the slower one is back.
        var s = new Script([95, 40], [95, 45], [96, 90], [94, 91]);
        var gate = Gate(s);
        gate.BeforePass();
        Assert.Equal(TimeSpan.FromSeconds(1), gate.Waited);
        Assert.Equal(TimeSpan.FromSeconds(1), s.Slept);
        Assert.True(gate.KeepPass(Pass));
        Assert.Equal(0.90, gate.LowestKept, 9);
    }

    [Fact]
    public void A_pass_with_a_slow_probe_after_it_is_redrawn_and_the_next_fast_pass_counts()
    {
        var s = new Script([95, 90], [50, 92], [95, 90], [93, 90]);
        var gate = Gate(s);
        gate.BeforePass();
        Assert.False(gate.KeepPass(Pass));
        gate.BeforePass();
        Assert.True(gate.KeepPass(Pass));
        Assert.Equal(1, gate.Redrawn);
        Assert.Equal(0.90, gate.LowestKept, 9);
        Assert.Contains("1 passes re-drawn", gate.Describe());
    }

    [Fact]
    public void A_machine_that_stays_slow_is_timed_after_the_wait_budget_and_the_row_says_so()
    {
        var s = new Script([30, 30]);
        var gate = Gate(s, new ProbeGate.Limits(MaxWaitOrNull: TimeSpan.FromSeconds(5)));
        gate.BeforePass();
        Assert.Equal(TimeSpan.FromSeconds(5), gate.Waited);
        Assert.True(gate.KeepPass(Pass)); // the budget is spent: counted rather than re-drawn forever
        Assert.True(gate.LimitReached);
        Assert.Equal(0.30, gate.LowestKept, 9);
        Assert.Contains("LIMIT REACHED", gate.Describe());
    }

    [Fact]
    public void A_pass_begun_on_a_slow_machine_is_marked_even_when_the_machine_recovered_by_its_end()
    {
        // The wait budget ran out before the pass (probes 1–3 slow); the probe after it is fast again. The pass still
        // ran partly in the slow phase: counted (the budget is spent) and the row marked, its lowest probe 30%.
        var s = new Script([30, 30], [30, 30], [30, 30], [95, 95]);
        var gate = Gate(s, new ProbeGate.Limits(MaxWaitOrNull: TimeSpan.FromSeconds(1)));
        gate.BeforePass();
        Assert.True(gate.KeepPass(Pass));
        Assert.True(gate.LimitReached);
        Assert.Equal(0.30, gate.LowestKept, 9);
    }

    [Fact]
    public void Redraws_stop_at_their_limit_so_a_row_always_finishes()
    {
        // Fast before every pass, slow after every pass: each pass would be re-drawn forever without the limit.
        var probes = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? new double[] { 95, 95 } : [20, 95]).ToArray();
        var s = new Script(probes);
        var gate = Gate(s, new ProbeGate.Limits(MaxRedraws: 3));
        int passes = 0;
        bool kept;
        do
        {
            gate.BeforePass();
            kept = gate.KeepPass(Pass);
            passes++;
        }
        while (!kept);
        Assert.Equal(4, passes);
        Assert.Equal(3, gate.Redrawn);
        Assert.True(gate.LimitReached);
    }

    [Fact]
    public void A_slow_pass_longer_than_the_redraw_time_budget_counts_so_slow_rows_are_not_run_again_and_again()
    {
        // A Streamiz row's pass takes ~20 s: one re-draw fits the default 30 s, a second does not.
        var s = new Script([95, 95], [40, 95], [95, 95], [40, 95]);
        var gate = Gate(s);
        var twenty = TimeSpan.FromSeconds(20);
        gate.BeforePass();
        Assert.False(gate.KeepPass(twenty));
        gate.BeforePass();
        Assert.True(gate.KeepPass(twenty));
        Assert.Equal(1, gate.Redrawn);
        Assert.Equal(TimeSpan.Zero, gate.Waited);
        Assert.True(gate.LimitReached);
    }

    [Fact]
    public void Without_a_reference_the_gate_never_probes_and_every_pass_counts()
    {
        var s = new Script([10, 10]);
        var gate = new ProbeGate(0, s.Probe, s.Sleep, new ProbeGate.Limits());
        gate.BeforePass();
        Assert.True(gate.KeepPass(Pass));
        Assert.Equal(0, s.Calls);
        Assert.Equal("probe off", gate.Describe());
    }

    [Fact]
    public void The_real_probe_measures_a_positive_rate_on_every_CPU_this_process_may_use()
    {
        var rates = new MachineProbe().MeasureEachCpu();
        Assert.NotEmpty(rates);
        Assert.All(rates, r => Assert.True(r > 0 && double.IsFinite(r), $"rate {r}"));
        Assert.Equal(Environment.ProcessorCount, rates.Length);
    }
}
