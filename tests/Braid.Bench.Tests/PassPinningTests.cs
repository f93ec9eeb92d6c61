using Braid.Bench.Baselines;

namespace Braid.Bench.Tests;

/// <summary>
/// The pass pinning's policy (bench/Braid.Bench.Baselines/PassPinning.cs) against a recorded affinity call: timed passes
/// go to the process's CPUs in turn, evenly, and the thread gets its own CPU set back afterwards.
/// </summary>
public sealed class PassPinningTests
{
    [Fact]
    public void Cpus_of_a_set_are_its_bits_in_ascending_order()
    {
        Assert.Equal([0, 2, 5], PassPinning.CpusOf(0b100101));
        Assert.Equal([63], PassPinning.CpusOf(1UL << 63));
        Assert.Empty(PassPinning.CpusOf(0));
    }

    [Fact]
    public void Passes_are_pinned_to_each_cpu_in_turn_one_cpu_at_a_time()
    {
        var calls = new List<ulong>();
        var pinning = new PassPinning(0b1101, m => { calls.Add(m); return true; });

        var cpus = Enumerable.Range(0, 7).Select(_ => pinning.PinNext()).ToList();

        Assert.Equal([0, 2, 3, 0, 2, 3, 0], cpus);
        Assert.Equal(cpus.Select(c => 1UL << c), calls);
    }

    [Fact]
    public void Every_cpu_gets_the_same_number_of_passes_up_to_one()
    {
        var pinning = new PassPinning(0b11, _ => true);

        var counts = Enumerable.Range(0, 9).Select(_ => pinning.PinNext()).GroupBy(c => c).Select(g => g.Count()).ToList();

        Assert.Equal(2, counts.Count);
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join(",", counts));
    }

    [Fact]
    public void Release_restores_the_original_cpu_set_after_pinning()
    {
        var calls = new List<ulong>();
        var pinning = new PassPinning(0b11, m => { calls.Add(m); return true; });
        pinning.PinNext();

        pinning.Release();

        Assert.Equal(0b11UL, calls[^1]);
    }

    [Fact]
    public void A_failed_pin_still_advances_to_the_next_cpu()
    {
        var pinning = new PassPinning(0b11, _ => false);

        Assert.Equal([0, 1, 0], new[] { pinning.PinNext(), pinning.PinNext(), pinning.PinNext() });
    }
}
