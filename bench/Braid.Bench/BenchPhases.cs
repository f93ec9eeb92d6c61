using System.Diagnostics;
using System.Globalization;

namespace Braid.Bench;

/// <summary>
/// <c>BENCH_PHASES=1</c>: where one pass of a <c>braid-rocksdb</c> row spends its time, printed as one <c>PHASES</c>
/// line per pass (warm-up passes too; their record count tells them apart). Timed: loop = from the first record to the
/// start of <see cref="BenchStores.Dispose"/> minus the commits inside it (so it includes the driver's dispose);
/// commits = the 100 ms commits inside the loop; final = the final commit. Untimed (a <c>PHASES-UNTIMED</c> line, printed
/// when the next pass is prepared): close = task and backend dispose (RocksDB close); delete = the store directory's
/// recursive delete.
/// </summary>
internal sealed class BenchPhases
{
    public enum Phase { Loop, FinalCommit }

    private readonly long[] _ticks = new long[2];
    private long _start;
    private long _last;
    private long _commitTicks;
    private int _records;

    public static BenchPhases? StartIfRequested() => Environment.GetEnvironmentVariable("BENCH_PHASES") == "1" ? new BenchPhases() : null;

    public void Record(int i)
    {
        if (_start == 0) _start = _last = Stopwatch.GetTimestamp();
        _records = i + 1;
    }

    public void Committed(long started) => _commitTicks += Stopwatch.GetTimestamp() - started;

    /// <summary>Ends a phase: the time since the previous mark (the loop's from its first record, less its commits).</summary>
    public void Mark(Phase phase)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)phase] = now - _last - (phase == Phase.Loop ? _commitTicks : 0);
        _last = now;
    }

    public void Print(int commits) =>
        Console.WriteLine($"PHASES records={_records} loop_ms={Ms(_ticks[0])} commits_ms={Ms(_commitTicks)} commits={commits} final_ms={Ms(_ticks[1])}");

    public static void PrintUntimed(long closeTicks, long deleteTicks) =>
        Console.WriteLine($"PHASES-UNTIMED close_ms={Ms(closeTicks)} delete_ms={Ms(deleteTicks)}");

    private static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("F1", CultureInfo.InvariantCulture);
}
