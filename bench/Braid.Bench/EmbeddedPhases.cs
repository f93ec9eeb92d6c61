using System.Diagnostics;
using System.Diagnostics.Metrics;
using Braid.Embedded;

namespace Braid.Bench;

/// <summary>
/// One timed pass of an embedded row (<see cref="EmbeddedWorkload"/>, the Nexmark rows): start → every record processed
/// and committed (<see cref="BraidApplication.WaitForIdleAsync"/>: every task caught up with no uncommitted records and
/// no buffered output, so the last commit — durable work — is inside the pass). Closing the application, disposing it
/// and deleting its state directory happen after the pass, untimed (the timing rule in bench/README.md): at the start
/// of the row's next preparation (<see cref="ClosePending"/>), the last one at process exit. What close does then:
/// stops the threads (their final commit finds nothing to commit — checked on every close: a commit after the idle wait
/// returned, before or during the close, throws, since that would be durable work left out of the timing), closes the tasks' stores, RocksDB (its write-ahead log
/// already holds every commit) and the log files, and releases the directory lock.
/// With <c>BENCH_PHASES=1</c> each pass prints its phases in ms (a <c>PHASES …</c> line on stderr): start, processing
/// until the inputs' lag was last seen above 0 (<see cref="BraidApplication.GetLag"/> sampled every 1 ms: internal
/// topics included), that moment → the end of the last commit before the idle wait returned, that commit → the idle
/// wait's return, and the commit count; and each untimed close (a <c>CLOSED …</c> line: close, dispose, delete).
/// <c>BENCH_TIME_CLOSE=1</c> (the RocksDB rows' switch too) or <c>BENCH_EMBEDDED_CLOSE_TIMED=1</c> times close, dispose and delete inside the pass again (the timing before session 8,
/// to compare product changes on the old timing). <c>BENCH_PHASES=2</c> adds each commit's end and duration (a <c>COMMITS …</c> line). The sampling thread runs only
/// under the switch.
/// </summary>
internal static class EmbeddedPhases
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("BENCH_PHASES") is "1" or "2";
    private static readonly bool Verbose = Environment.GetEnvironmentVariable("BENCH_PHASES") == "2";
    private static readonly bool CloseTimed = Environment.GetEnvironmentVariable("BENCH_EMBEDDED_CLOSE_TIMED") == "1" || Environment.GetEnvironmentVariable("BENCH_TIME_CLOSE") == "1";
    private static readonly List<(long At, double Ms)> CommitLog = [];
    private static readonly MeterListener Listener = StartListener();
    private static long _commits;
    private static (BraidApplication App, string Dir, string Label, long CommitsAtIdle)? _pending;

    private static MeterListener StartListener()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "Braid" && i.Name is "braid.commits" or "braid.commit.latency") l.EnableMeasurementEvents(i);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _commits));
        listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
        {
            if (!Enabled) return;
            lock (CommitLog) CommitLog.Add((Stopwatch.GetTimestamp(), ms));
        });
        listener.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { ClosePending(); }
            catch (Exception e) { Console.Error.WriteLine("EMBEDDED CLOSE AT EXIT FAILED: " + e.Message); }
        };
        return listener;
    }

    private static double _openMs = double.NaN;

    /// <summary>How long the pass's untimed <c>new BraidApplication</c> took (opens the database and the logs; since
    /// session 14 it also creates the stores' column families, which the start did before), printed as <c>open</c>.</summary>
    public static void Opened(TimeSpan elapsed) => _openMs = elapsed.TotalMilliseconds;

    /// <summary>The timed pass. On failure the application is closed at once; on success <see cref="ClosePending"/> closes it.</summary>
    public static void Run(BraidApplication app, string dir, string label)
    {
        GC.KeepAlive(Listener);
        lock (CommitLog) CommitLog.Clear();
        long commits0 = Interlocked.Read(ref _commits);
        var sampler = Enabled ? new LagSampler(() => app.GetLag().Values.Sum()) : null;
        long t0 = Stopwatch.GetTimestamp(), started, idle, commitsAtIdle;
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
            started = Stopwatch.GetTimestamp();
            app.WaitForIdleAsync(TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            idle = Stopwatch.GetTimestamp();
            commitsAtIdle = Interlocked.Read(ref _commits);
        }
        catch
        {
            sampler?.Stop();
            Close(app, dir, label);
            throw;
        }
        _pending = (app, dir, label, commitsAtIdle);
        if (CloseTimed) ClosePending();
        if (sampler is null) return;
        long caughtUp = sampler.Stop();
        long lastCommit;
        string commits;
        lock (CommitLog)
        {
            lastCommit = CommitLog.Where(c => c.At <= idle).Select(c => c.At).DefaultIfEmpty(idle).Max();
            commits = string.Join(", ", CommitLog.Select(c => $"{Ms(started, c.At):F0}({c.Ms:F0})"));
        }
        Console.Error.WriteLine($"PHASES {label}: open (untimed) {_openMs:F1} | start {Ms(t0, started):F1} | process until no lag {Ms(started, caughtUp):F1} | " +
            $"no lag -> last commit {Ms(caughtUp, lastCommit):F1} | last commit -> idle returned {Ms(lastCommit, idle):F1} | " +
            $"timed {Ms(t0, idle):F1} | commits {Interlocked.Read(ref _commits) - commits0}");
        if (Verbose) Console.Error.WriteLine($"COMMITS {label} end ms after start (duration): {commits}; no lag at {Ms(started, caughtUp):F0}, idle at {Ms(started, idle):F0}");
    }

    /// <summary>Closes, disposes and deletes the last pass's application (untimed: called before a row prepares its next pass).</summary>
    public static void ClosePending()
    {
        if (_pending is not { } p) return;
        _pending = null;
        // Counted from the moment the idle wait returned, not from the close: the application runs on untimed until this
        // close, so a wait that returned early would show up as commits in between (work left out of the timed pass).
        Close(p.App, p.Dir, p.Label);
        long after = Interlocked.Read(ref _commits) - p.CommitsAtIdle;
        if (after != 0)
            throw new InvalidOperationException($"The {p.Label} application committed {after} time(s) after its idle wait returned (before or during its untimed close): durable work would be left out of the timed pass.");
    }

    private static void Close(BraidApplication app, string dir, string label)
    {
        long t0 = Stopwatch.GetTimestamp(), closed, disposed;
        try
        {
            app.CloseAsync().GetAwaiter().GetResult();
            closed = Stopwatch.GetTimestamp();
        }
        finally
        {
            app.Dispose();
            disposed = Stopwatch.GetTimestamp();
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { /* a leftover temp dir must not fail the benchmark */ }
        }
        if (Enabled) Console.Error.WriteLine($"CLOSED {label} ({(CloseTimed ? "timed" : "untimed")}): close {Ms(t0, closed):F1} | dispose {Ms(closed, disposed):F1} | delete {Ms(disposed, Stopwatch.GetTimestamp()):F1}");
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Samples the lag every 1 ms; <see cref="Stop"/> returns when it was last seen above 0.</summary>
    private sealed class LagSampler
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _lastBusy = Stopwatch.GetTimestamp();

        public LagSampler(Func<long> lag)
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    if (lag() > 0) Volatile.Write(ref _lastBusy, Stopwatch.GetTimestamp());
                    Thread.Sleep(1);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public long Stop()
        {
            _stop = true;
            _thread.Join();
            return Volatile.Read(ref _lastBusy);
        }
    }
}
