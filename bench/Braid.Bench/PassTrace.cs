using System.Globalization;

namespace Braid.Bench;

/// <summary>
/// <c>BENCH_PASS_TRACE=1</c> on a child row: one <c>PASS</c> line per timed pass (issue 19, session 18), to tell a pass
/// that did more work from one that waited or paid for work left by the pass before it. Per pass: its rate, its wall
/// time, the main thread's CPU time and run-queue wait (schedstat), the CPU of every other thread of the process during
/// the pass (RocksDB's background threads, the GC's, the JIT's), the untimed preparation before it (the previous
/// pass's close and delete, the new instance's open), GCs per generation, minor page faults (first touches of fresh
/// memory, native or managed), bytes the process wrote to storage (<c>/proc/self/io</c> write_bytes) and the machine's
/// dirty pages before and after (<c>/proc/vmstat</c> nr_dirty: page-cache writeback still to come). A diagnostic.
/// </summary>
internal sealed class PassTrace
{
    private long _main0, _wait0, _proc0, _faults0, _write0, _dirty0, _jit0;
    private readonly int[] _gc0 = new int[3];
    private int _pass, _cpu0;

    public static PassTrace? StartIfRequested() =>
        Environment.GetEnvironmentVariable("BENCH_PASS_TRACE") == "1" && File.Exists("/proc/thread-self/schedstat") ? new PassTrace() : null;

    public void BeforePass()
    {
        (_main0, _wait0) = SchedStat("/proc/thread-self/schedstat");
        _proc0 = ProcessCpuNs();
        _faults0 = MinorFaults();
        _write0 = WriteBytes();
        _dirty0 = Dirty();
        _jit0 = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (int g = 0; g < 3; g++) _gc0[g] = GC.CollectionCount(g);
        _cpu0 = Thread.GetCurrentProcessorId();
    }

    public void AfterPass(int records, TimeSpan elapsed, TimeSpan prepared)
    {
        var (main, wait) = SchedStat("/proc/thread-self/schedstat");
        long proc = ProcessCpuNs();
        double mainMs = (main - _main0) / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  PASS {_pass++} {records / elapsed.TotalSeconds / 1e6:F2}M/s wall {elapsed.TotalMilliseconds:F0} ms main cpu {mainMs:F0} ms (rec/cpu-s {records / (mainMs / 1e3) / 1e6:F2}M) wait {(wait - _wait0) / 1e6:F0} ms others cpu {(proc - _proc0) / 1e6 - mainMs:F0} ms prep {prepared.TotalMilliseconds:F0} ms gc {GC.CollectionCount(0) - _gc0[0]}/{GC.CollectionCount(1) - _gc0[1]}/{GC.CollectionCount(2) - _gc0[2]} faults {MinorFaults() - _faults0} wrote {(WriteBytes() - _write0) / 1024} KiB dirty {_dirty0 * 4}->{Dirty() * 4} KiB jit {System.Runtime.JitInfo.GetCompiledMethodCount() - _jit0} cpu {_cpu0}->{Thread.GetCurrentProcessorId()}"));
    }

    private static (long Cpu, long Wait) SchedStat(string path)
    {
        var f = File.ReadAllText(path).Split(' ');
        return (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    /// <summary>CPU time of every thread of the process so far (each thread's schedstat, ns; finer than the 10 ms ticks of
    /// /proc/self/stat). A thread that ended meanwhile is missed.</summary>
    private static long ProcessCpuNs()
    {
        long sum = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try { sum += SchedStat(Path.Combine(dir, "schedstat")).Cpu; }
            catch (IOException) { /* ended meanwhile */ }
            catch (UnauthorizedAccessException) { }
        }
        return sum;
    }

    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[7], CultureInfo.InvariantCulture);
    }

    private static long WriteBytes() => Field("/proc/self/io", "write_bytes:");

    private static long Dirty() => Field("/proc/vmstat", "nr_dirty ");

    private static long Field(string file, string prefix)
    {
        foreach (var line in File.ReadLines(file))
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return long.Parse(line[prefix.Length..].Trim(), CultureInfo.InvariantCulture);
        return 0;
    }
}
