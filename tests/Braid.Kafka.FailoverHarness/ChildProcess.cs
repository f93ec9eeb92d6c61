using System.Diagnostics;

namespace Braid.Kafka.FailoverHarness;

/// <summary>An instance's child process and its latest report (parsed from its stdout, stamped on the parent's clock).</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly object _lock = new();
    private Process? _process;
    private Report _last = Report.None;

    public ChildProcess(string name, string stateDir) => (Name, StateDir) = (name, stateDir);

    public string Name { get; }

    public string StateDir { get; }

    public bool Alive => _process is { HasExited: false };

    /// <summary>Exit codes of runs that ended without the harness killing or stopping them (a crash of the instance itself).</summary>
    public List<int> Crashes { get; } = new();

    private bool _ending;

    /// <summary>Records a crash if the process ended on its own.</summary>
    public void NoteCrash()
    {
        if (_process is { HasExited: true } p && !_ending && Crashes.Count < 1000)
        {
            Crashes.Add(p.ExitCode);
            _ending = true; // counted once
        }
    }

    private readonly Queue<string> _errors = new();

    /// <summary>The child's last lines on standard error (why it failed to start or died), for the harness log.</summary>
    public IReadOnlyList<string> RecentErrors
    {
        get
        {
            lock (_lock) return _errors.ToList();
        }
    }

    public Report Last
    {
        get
        {
            lock (_lock) return _last;
        }
    }

    public void Start(string bootstrap, int standbys, bool lagAware, Stopwatch clock)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in new[] { typeof(ChildProcess).Assembly.Location, "child", bootstrap, Name, StateDir, standbys.ToString(System.Globalization.CultureInfo.InvariantCulture), lagAware ? "1" : "0" })
            psi.ArgumentList.Add(a);
        lock (_lock) _last = Report.None;
        _ending = false;
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Report.Parse(line, clock.ElapsedMilliseconds) is { } r)
            {
                lock (_lock) _last = r;
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (string.IsNullOrWhiteSpace(e.Data)) return;
            Console.Error.WriteLine($"[{Name}] {e.Data}");
            lock (_lock)
            {
                _errors.Enqueue(e.Data);
                while (_errors.Count > 20) _errors.Dequeue();
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
    }

    /// <summary>SIGKILL (Process.Kill on Unix): no commit, no flush, no leaving the group.</summary>
    public void Kill()
    {
        if (_process is not { } p) return;
        NoteCrash();
        _ending = true;
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
    }

    /// <summary>Asks the child to close cleanly (stdin closed), killing it after the timeout.</summary>
    public void Stop(TimeSpan timeout)
    {
        NoteCrash();
        if (_process is not { HasExited: false } p) return;
        _ending = true;
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout)) Kill();
    }

    public void Dispose()
    {
        if (Alive) Kill();
        _process?.Dispose();
    }

    /// <summary>
    /// One report line: running tasks, standby tasks, changelog records restored so far, the tasks its lag-aware subscription
    /// asks for (empty in the default mode), and when it arrived.
    /// </summary>
    public sealed record Report(IReadOnlySet<string> Active, IReadOnlySet<string> Standby, long Restored, bool Running, long AtMs)
    {
        public static readonly Report None = new(new HashSet<string>(), new HashSet<string>(), 0, false, -1);

        public IReadOnlySet<string> AskedFor { get; init; } = new HashSet<string>();

        public static Report? Parse(string line, long atMs)
        {
            if (!line.StartsWith("state ", StringComparison.Ordinal)) return null;
            var f = line[6..].Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            static HashSet<string> Set(string s) => s.Split(';', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return new Report(Set(f["active"]), Set(f["standby"]), long.Parse(f["restored"], System.Globalization.CultureInfo.InvariantCulture),
                f["running"] == "1", atMs) { AskedFor = Set(f.GetValueOrDefault("asks", "")) };
        }
    }
}
