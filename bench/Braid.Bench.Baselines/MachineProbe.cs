using System.Globalization;
using System.Runtime.InteropServices;

namespace Braid.Bench.Baselines;

/// <summary>
/// How fast this machine runs heap-bound .NET code right now, on each CPU (issue 19, session 17). The rows' medians
/// moved 1.5–3× between processes and minutes with no change of code, load or settings (sessions 5–16). A probe pinned to
/// each vCPU in turn found why: a fixed Dictionary-and-allocation kernel runs at ~2.4M ops per CPU-second on a vCPU in
/// its normal state and at 0.8–1.3M in a slow phase, while a pure ALU kernel stays within ±5%; the phases last seconds to
/// minutes, hit one vCPU or both, and also show as a 4× swing of an 8 MB pointer chase (the L3 share this VM gets from
/// its host's other tenants). Nothing in the process causes or cures them, so the harness measures them: see
/// <see cref="ProbeGate"/>, which re-draws passes timed while the machine was slow.
/// </summary>
internal sealed class MachineProbe
{
    /// <summary>Keys of the probe's dictionary: ~20 MB of live state with its values, about a host L3 share.</summary>
    public const int Keys = 200_000;

    /// <summary>Operations per measurement: ~25 ms in the normal state, ~70 ms in a slow phase.</summary>
    public const int Operations = 60_000;

    private readonly string[] _keys;
    private readonly Dictionary<string, int[]> _map = new(Keys);
    private long _sink;

    public MachineProbe()
    {
        _keys = new string[Keys];
        for (int i = 0; i < Keys; i++) _keys[i] = "probe-key-" + i.ToString(CultureInfo.InvariantCulture);
        Kernel(Keys); // fills the map and JIT-compiles the kernel before the first measurement
    }

    /// <summary>The kernel's operations per CPU-second on each CPU this process may run on (one pinned thread per CPU,
    /// one after the other); on a system without thread pinning, one measurement on an unpinned thread.</summary>
    public double[] MeasureEachCpu()
    {
        var cpus = Cpus();
        var result = new double[cpus.Count];
        for (int i = 0; i < cpus.Count; i++)
        {
            int cpu = cpus[i];
            double rate = 0;
            var t = new Thread(() =>
            {
                if (cpu >= 0) Pin(cpu);
                rate = Measure();
            }) { IsBackground = true, Name = "machine-probe" };
            t.Start();
            t.Join();
            result[i] = rate;
        }
        return result;
    }

    /// <summary>The run's reference: the upper quartile of <paramref name="rounds"/> rounds of per-CPU probes 100 ms
    /// apart (the upper quartile, so a slow phase over part of the sample does not lower the bar, and one lucky probe
    /// does not raise it).</summary>
    public double Reference(int rounds = 16)
    {
        var all = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            all.AddRange(MeasureEachCpu());
            Thread.Sleep(100);
        }
        all.Sort();
        return all[(int)(0.75 * (all.Count - 1))];
    }

    private double Measure()
    {
        long cpu0 = ThreadCpuNanoseconds();
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        Kernel(Operations);
        long cpu1 = ThreadCpuNanoseconds();
        // CPU time of this thread where the kernel exposes it (a probe preempted by other work is not "slow"); else wall time.
        double seconds = cpu0 >= 0 && cpu1 > cpu0 ? (cpu1 - cpu0) / 1e9 : System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return Operations / seconds;
    }

    /// <summary>A lookup, an overwrite with a fresh 40-byte array and a second lookup per operation, at strided keys: the
    /// mix of hashing, pointer chasing and allocation the rows do. Compiled fully optimized at once: with tiering, a
    /// process's few probe calls ran tier-0 and OSR code for its first ~30 calls and tier-1 after, so the probe's level
    /// moved with the process's age (a reference of 0.96M ops/CPU-s where the tier-1 kernel reads ~2.4M).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Kernel(int n)
    {
        for (int i = 0; i < n; i++)
        {
            var k = _keys[(int)((i * 7919L + _sink) % Keys)];
            _map[k] = [i, i, i, i];
            if (_map.TryGetValue(_keys[(int)((i * 104729L) % Keys)], out var v)) _sink = (_sink + v[0]) & 0xFFFF;
        }
    }

    private static List<int> Cpus()
    {
        if (!OperatingSystem.IsLinux()) return [-1];
        ulong mask = 0;
        if (sched_getaffinity(0, sizeof(ulong), ref mask) != 0 || mask == 0) return [-1];
        var cpus = new List<int>();
        for (int c = 0; c < 64; c++) if ((mask & (1UL << c)) != 0) cpus.Add(c);
        return cpus;
    }

    private static void Pin(int cpu)
    {
        ulong mask = 1UL << cpu;
        _ = sched_setaffinity(0, sizeof(ulong), ref mask); // pid 0: the calling thread; a failure leaves it unpinned
    }

    private static long ThreadCpuNanoseconds()
    {
        try
        {
            var f = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            return long.Parse(f[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, ref ulong mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, nint cpusetsize, ref ulong mask);
}
