using System.Collections.Concurrent;
using System.Diagnostics;
using Braid.Embedded;
using Braid.Internal.Faults;

namespace Braid.CrashTests;

/// <summary>Starts one child process (produce, run or finish), injects the planned kill and reports how it ended.</summary>
internal sealed class ChildRunner(HarnessOptions o, int throttle, TextWriter log)
{
    /// <param name="upTo">For <c>produce</c>: produce only this prefix of the input (null = all of it).</param>
    public ChildOutcome Run(string mode, ProcessingGuarantee guarantee, Kill? kill, IEnumerable<(string Name, string Value)> env, int? upTo = null)
    {
        var psi = StartInfo();
        if (upTo is { } n)
        {
            psi.ArgumentList.Add("--up-to");
            psi.ArgumentList.Add(n.ToString());
        }
        foreach (var a in new[] { "--child", mode, "--dir", o.Directory, "--records", o.Records.ToString(), "--seed", o.Seed.ToString(),
                     "--guarantee", guarantee == ProcessingGuarantee.ExactlyOnce ? "exactly-once" : "at-least-once",
                     "--durability", o.Mode == FaultMode.PowerLoss ? "power-loss" : "process-crash",
                     "--throttle", mode == "run" ? throttle.ToString() : "0" })
            psi.ArgumentList.Add(a);
        foreach (var (name, value) in env) psi.Environment[name] = value;
        using var running = new ManualResetEventSlim();
        var output = new ConcurrentQueue<string>();
        using var child = new Process { StartInfo = psi };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.StartsWith("lag ", StringComparison.Ordinal)) running.Set();
        };
        if (!child.Start()) throw new InvalidOperationException("could not start the child process");
        child.BeginOutputReadLine();
        var stderr = child.StandardError.ReadToEndAsync();
        string faults = string.Join(' ', env.Select(e => $"{e.Name}={e.Value}"));
        if (kill is { } k)
        {
            // Start-up kills hit recovery (log truncation, state open); the others hit processing and commits.
            var waited = Stopwatch.StartNew();
            while (!k.DuringStartup && !running.Wait(20) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(120)) { }
            if (!child.WaitForExit(k.DelayMs))
            {
                string phase = Phase(output);
                child.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no graceful anything.
                child.WaitForExit();
                log.WriteLine($"  killed {phase} after {k.DelayMs} ms {faults}");
                return new ChildOutcome(OutcomeKind.Killed, phase, "");
            }
        }
        child.WaitForExit();
        string err = stderr.Result;
        int marker = err.IndexOf(Failpoints.CrashMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            string name = err[(marker + Failpoints.CrashMarker.Length)..].Trim().Split(' ')[0];
            string phase = Phase(output);
            log.WriteLine($"  crashed at failpoint {name} ({phase})");
            return new ChildOutcome(OutcomeKind.FailpointCrash, phase, name);
        }
        string last = output.LastOrDefault() ?? "";
        if (child.ExitCode == 3 && last.StartsWith("error: ", StringComparison.Ordinal))
        {
            // An injected I/O error must surface as a clear error naming it, never a hang or a silent stop.
            if (!last.Contains("Injected I/O error", StringComparison.Ordinal))
                throw new InvalidOperationException($"child '{mode}' failed with an unexpected error under {faults}:\n{last}\n{err}");
            log.WriteLine($"  ended in a clear error ({faults}): {last[..Math.Min(last.Length, 160)]}");
            return new ChildOutcome(OutcomeKind.Errored, "error", last);
        }
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"child '{mode}' exited with {child.ExitCode} ({faults}):\n{string.Join('\n', output)}\n{err}");
        log.WriteLine($"  {mode}: {last}");
        return new ChildOutcome(OutcomeKind.Exited, "exited", last);
    }

    /// <summary>Starts a child that runs alongside the others and is never killed (the inbox producer).</summary>
    public Process StartBackground(string mode, IEnumerable<(string Name, string Value)> env)
    {
        var psi = StartInfo();
        foreach (var a in new[] { "--child", mode, "--dir", o.Directory, "--records", o.Records.ToString(), "--seed", o.Seed.ToString() })
            psi.ArgumentList.Add(a);
        foreach (var (name, value) in env) psi.Environment[name] = value;
        var child = new Process { StartInfo = psi };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (log) log.WriteLine($"  {mode}: {e.Data}");
        };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (log) log.WriteLine($"  {mode} (stderr): {e.Data}");
        };
        if (!child.Start()) throw new InvalidOperationException("could not start the child process");
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    /// <summary>From the child's last report: no report yet = start-up/recovery; lag above 0 = processing; else idle.</summary>
    private static string Phase(ConcurrentQueue<string> output)
    {
        var lag = output.LastOrDefault(l => l.StartsWith("lag ", StringComparison.Ordinal));
        if (lag is null) return "start-up";
        return long.Parse(lag.AsSpan(4)) > 0 ? "processing" : "idle";
    }

    private static ProcessStartInfo StartInfo()
    {
        string dll = typeof(CrashHarness).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(dll);
        return psi;
    }
}
