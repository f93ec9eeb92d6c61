using System.Runtime.InteropServices;

namespace Braid.Bench.Baselines;

/// <summary>
/// Spreads a row's timed passes over the CPUs evenly (issue 19, session 18): the thread that runs the passes is pinned to
/// the process's CPUs in turn, one CPU per pass (pass i on the i-th CPU mod n), and gets its original CPU set back after
/// the row. Why: this VM's vCPUs run heap-bound code at different speeds for seconds to minutes (the host's L3 share,
/// bench/README "The machine's slow phases"), and an unpinned thread stays on one vCPU for many passes, so a process's
/// median was a draw of one vCPU's state — per-pass traces (<c>BENCH_PASS_TRACE=1</c>) of the stream–stream inner RocksDB
/// row showed every pass on one vCPU at ~0.7–0.9M rec/s and every pass on the other at ~1.6–1.8M in the same process,
/// with the main thread's CPU time per pass 2× (not waiting, no GC, no background thread's CPU, no extra writes).
/// Pinned in turn, every timed run (≥ 1 s, several passes) samples every vCPU alike. Only the calling thread is pinned:
/// the GC's, the JIT's and RocksDB's threads keep every CPU. Opt-in, <c>BENCH_PIN_PASSES=1</c>: on a machine shared with
/// other CPU-bound processes a pinned thread cannot leave a busy vCPU, and under load 25–38 pinned rows' medians were
/// 0.37–0.79× the unpinned ones of the same rounds (bench/README, "A RocksDB row's two levels"); its benefit on a quiet machine is
/// not yet measured. Rows whose work runs on other threads (the embedded runtime's stream threads) are never pinned:
/// their calling thread only waits.
/// </summary>
internal sealed class PassPinning
{
    private readonly ulong _original;
    private readonly Func<ulong, bool> _setAffinity;
    private readonly int[] _cpus;
    private int _next;

    /// <param name="original">The thread's CPU set (bit i = CPU i), restored by <see cref="Release"/>.</param>
    /// <param name="setAffinity">Sets the calling thread's CPU set; false on failure (tests pass a recorder).</param>
    internal PassPinning(ulong original, Func<ulong, bool> setAffinity)
    {
        _original = original;
        _setAffinity = setAffinity;
        _cpus = CpusOf(original);
    }

    /// <summary>The CPUs passes are spread over, in ascending order.</summary>
    public IReadOnlyList<int> Cpus => _cpus;

    /// <summary>The CPUs of a CPU set (bit i = CPU i), ascending.</summary>
    public static int[] CpusOf(ulong mask)
    {
        var cpus = new List<int>();
        for (int c = 0; c < 64; c++) if ((mask & (1UL << c)) != 0) cpus.Add(c);
        return cpus.ToArray();
    }

    /// <summary>
    /// A pinning of the calling thread when asked for (<c>BENCH_PIN_PASSES=1</c>), or null when not asked for or when it
    /// would change nothing: off Linux, with fewer than two CPUs, or for a row whose work runs on other threads
    /// (<paramref name="impl"/> contains "embedded").
    /// </summary>
    public static PassPinning? ForCurrentThread(string impl)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("BENCH_PIN_PASSES") != "1") return null;
        if (impl.Contains("embedded", StringComparison.Ordinal)) return null;
        ulong mask = 0;
        if (sched_getaffinity(0, sizeof(ulong), ref mask) != 0 || ulong.PopCount(mask) < 2) return null;
        return new PassPinning(mask, m => sched_setaffinity(0, sizeof(ulong), ref m) == 0);
    }

    /// <summary>Pins the calling thread to the next CPU in turn (before a pass's preparation); returns that CPU.</summary>
    public int PinNext()
    {
        int cpu = _cpus[_next++ % _cpus.Length];
        _ = _setAffinity(1UL << cpu); // a failure leaves the thread where it was: the pass still counts
        return cpu;
    }

    /// <summary>Gives the calling thread its original CPU set back (after the row's timed passes).</summary>
    public void Release() => _setAffinity(_original);

    // pid 0: the calling thread.
    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, ref ulong mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, nint cpusetsize, ref ulong mask);
}
