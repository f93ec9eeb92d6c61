using System.Globalization;

namespace Braid.Bench;

/// <summary>
/// What separates a slow process from a fast one (issue 19, session 7): set <c>BENCH_PROCESS_INFO=1</c> on a child row
/// and it prints, over its timed passes, the main thread's CPU time and its time waiting on a run queue (Linux
/// <c>/proc/thread-self/schedstat</c>), the records per CPU-second (throughput with the scheduler taken out), the GCs
/// per generation, the GC's pause share, and the CPUs the main thread was seen on. A diagnostic, not a measurement.
/// The whole process's CPU time over the same passes is printed too (<c>process rec/cpu-s</c>): an embedded row's work runs on
/// its stream threads (and RocksDB's and the GC's), not on the main thread, which only waits (issue 19, session 12).
/// </summary>
internal sealed class ProcessInfo
{
    private long _cpuNs, _waitNs, _records, _faults, _f0;
    private TimeSpan _procCpu, _procCpu0;
    private int _passes;
    private readonly int[] _gcs = new int[3];
    private readonly SortedSet<int> _cpus = [];
    private TimeSpan _pause;
    private (long Cpu, long Wait) _s0;
    private int[] _g0 = new int[3];
    private TimeSpan _p0;
    private Dictionary<int, (long Ns, long WaitNs)> _threads0 = new();
    private readonly Dictionary<string, (long Ns, long WaitNs)> _threadNs = new();

    public static ProcessInfo? StartIfRequested() =>
        Environment.GetEnvironmentVariable("BENCH_PROCESS_INFO") == "1" && File.Exists("/proc/thread-self/schedstat") ? new ProcessInfo() : null;

    public void BeforePass()
    {
        _s0 = SchedStat();
        _g0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _p0 = GC.GetTotalPauseDuration();
        _f0 = MinorFaults();
        _procCpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        _threads0 = Threads().ToDictionary(t => t.Tid, t => (t.Ns, t.WaitNs));
    }

    public void AfterPass(int records)
    {
        var s = SchedStat();
        _cpuNs += s.Cpu - _s0.Cpu;
        _waitNs += s.Wait - _s0.Wait;
        _records += records;
        _passes++;
        _faults += MinorFaults() - _f0;
        _procCpu += System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _procCpu0;
        for (int g = 0; g < 3; g++) _gcs[g] += GC.CollectionCount(g) - _g0[g];
        _pause += GC.GetTotalPauseDuration() - _p0;
        _cpus.Add(Thread.GetCurrentProcessorId());
        foreach (var (tid, name, ns, waitNs) in Threads())
        {
            var (sum, before) = (_threadNs.GetValueOrDefault(name), _threads0.GetValueOrDefault(tid));
            _threadNs[name] = (sum.Ns + ns - before.Ns, sum.WaitNs + waitNs - before.WaitNs);
        }
    }

    /// <summary>Every thread of the process: id, name (digits dropped, so a stream thread of each pass counts as one) and CPU
    /// time and run-queue wait so far (schedstat, ns). A thread that started and ended inside a pass is missed.</summary>
    private static IEnumerable<(int Tid, string Name, long Ns, long WaitNs)> Threads()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string name, sched;
            try
            {
                name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                sched = File.ReadAllText(Path.Combine(dir, "schedstat"));
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }
            yield return (int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture), new string(name.Where(c => !char.IsDigit(c)).ToArray()),
                long.Parse(sched.Split(' ')[0], CultureInfo.InvariantCulture), long.Parse(sched.Split(' ')[1], CultureInfo.InvariantCulture));
        }
    }

    public void Print(TextWriter to) => to.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"PROC rec/cpu-s {_records / (_cpuNs / 1e9):N0} cpu {_cpuNs / 1e9:F2} s wait {_waitNs / 1e9:F2} s gc {_gcs[0] - _gcs[1]}/{_gcs[1] - _gcs[2]}/{_gcs[2]} pause {_pause.TotalMilliseconds:F0} ms passes {_passes} minor faults/pass {_faults / Math.Max(1, _passes):N0} cpus {string.Join(",", _cpus)} server {System.Runtime.GCSettings.IsServerGC} process rec/cpu-s {_records / Math.Max(1e-9, _procCpu.TotalSeconds):N0} process cpu {_procCpu.TotalSeconds:F2} s" +
        $" threads {string.Join(", ", _threadNs.Where(t => t.Value.Ns > 0).OrderByDescending(t => t.Value.Ns).Select(t => $"{t.Key} {t.Value.Ns / 1e9:F2} s (wait {t.Value.WaitNs / 1e9:F2} s)"))}"));

    /// <summary>Minor page faults of the whole process so far (/proc/self/stat field 10): first touches of fresh memory.</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[7], CultureInfo.InvariantCulture);
    }

    /// <summary>schedstat: time on a CPU (ns), time waiting on a run queue (ns), timeslices.</summary>
    private static (long Cpu, long Wait) SchedStat()
    {
        var f = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
        return (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture));
    }
}
