using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Braid.Internal.Faults;

/// <summary>What an armed failpoint does when it fires.</summary>
internal enum FailpointAction
{
    /// <summary>End the process at once, as <c>kill -9</c> would (no finally blocks, no flush, no commit).</summary>
    Crash,

    /// <summary>Throw an <see cref="InjectedIOException"/>, as a failed write or fsync would.</summary>
    IoError,
}

/// <summary>The I/O error a failpoint or the fault-injecting file layer throws.</summary>
internal sealed class InjectedIOException(string message) : IOException(message);

/// <summary>
/// Named failpoints: places in the commit and recovery paths where a test can make the process crash or
/// an I/O fail, exactly between two writes (RocksDB's <c>TEST_SYNC_POINT</c> and <c>FaultInjectionTestFS</c>,
/// Kafka's system tests that kill a broker at chosen moments). A host calls <see cref="Hit"/> at each step;
/// while nothing is armed that is one read of a static bool, so production code pays nothing measurable.
/// Armed in-process with <see cref="Arm"/>, or in a child process by the environment variable
/// <c>BRAID_FAILPOINTS</c> = <c>name=crash[@N]</c> / <c>name=ioerror[@N][xT]</c>, several joined by ';'
/// (N: fire on the Nth hit, default 1; T: fire T times, default 1); <c>count</c> alone only counts hits.
/// A crash first writes <c>BRAID-FAILPOINT-CRASH &lt;name&gt;</c> to standard error so a harness can tell
/// which failpoint ended the child.
/// </summary>
internal static partial class Failpoints
{
    public const string EnvironmentVariable = "BRAID_FAILPOINTS";

    public const string CrashMarker = "BRAID-FAILPOINT-CRASH";

    private static readonly ConcurrentDictionary<string, ArmedFailpoint> Armed = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> Hits = new(StringComparer.Ordinal);
    private static volatile bool _enabled;
    private static volatile bool _counting;

    static Failpoints()
    {
        var spec = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(spec)) ArmFromSpec(spec);
    }

    /// <summary>A step was reached. Does nothing unless a failpoint is armed or hits are being counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hit(string name)
    {
        if (_enabled) HitSlow(name);
    }

    /// <summary>Arms <paramref name="name"/>: on its <paramref name="onHit"/>th hit (1 = the next one) it fires, <paramref name="times"/> times in a row.</summary>
    public static void Arm(string name, FailpointAction action, int onHit = 1, int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(onHit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        Armed[name] = new ArmedFailpoint(action, onHit, times);
        _enabled = true;
    }

    /// <summary>Counts hits of every failpoint (read them with <see cref="HitCount"/>) without arming any.</summary>
    public static void CountHits()
    {
        _counting = true;
        _enabled = true;
    }

    public static void Disarm(string name)
    {
        Armed.TryRemove(name, out _);
        Recompute();
    }

    /// <summary>Disarms everything and forgets the counts.</summary>
    public static void Reset()
    {
        Armed.Clear();
        Hits.Clear();
        _counting = false;
        _enabled = false;
    }

    public static long HitCount(string name) => Hits.TryGetValue(name, out var n) ? n : 0;

    /// <summary>Parses and arms a <c>BRAID_FAILPOINTS</c> value (see the class comment).</summary>
    public static void ArmFromSpec(string spec)
    {
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "count")
            {
                CountHits();
                continue;
            }
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"{EnvironmentVariable}: '{part}' is not name=crash[@N] or name=ioerror[@N][xT].");
            string name = part[..eq];
            var m = SpecPattern().Match(part[(eq + 1)..]);
            if (!m.Success)
                throw new ArgumentException($"{EnvironmentVariable}: '{part[(eq + 1)..]}' for failpoint '{name}' is not crash[@N] or ioerror[@N][xT].");
            var action = m.Groups[1].Value == "crash" ? FailpointAction.Crash : FailpointAction.IoError;
            int onHit = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 1;
            int times = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 1;
            Arm(name, action, onHit, times);
        }
    }

    /// <summary>Ends this process immediately, like SIGKILL: nothing after this line runs, nothing is flushed by us.</summary>
    public static void CrashNow(string why)
    {
        try
        {
            Console.Error.WriteLine($"{CrashMarker} {why}");
            Console.Error.Flush();
        }
        finally
        {
            Process.GetCurrentProcess().Kill();
            // Kill is asynchronous on some platforms; never return into the code that must not run.
            Thread.Sleep(Timeout.Infinite);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HitSlow(string name)
    {
        long n = Hits.AddOrUpdate(name, 1, (_, c) => c + 1);
        if (!Armed.TryGetValue(name, out var armed)) return;
        if (!armed.ShouldFire(n)) return;
        if (armed.Action == FailpointAction.Crash) CrashNow($"{name} (hit {n})");
        throw new InjectedIOException($"Injected I/O error at failpoint '{name}' (hit {n}).");
    }

    [GeneratedRegex(@"^(crash|ioerror)(?:@(\d+))?(?:x(\d+))?$")]
    private static partial Regex SpecPattern();

    private static void Recompute() => _enabled = _counting || !Armed.IsEmpty;

    private sealed class ArmedFailpoint(FailpointAction action, int onHit, int times)
    {
        private int _fired;

        public FailpointAction Action { get; } = action;

        public bool ShouldFire(long hit)
        {
            if (hit < onHit) return false;
            return Interlocked.Increment(ref _fired) <= times;
        }
    }
}
