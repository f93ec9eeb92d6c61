using System.Diagnostics;
using Braid.Embedded;
using Braid.Serialization;

namespace Braid.CrashTests;

public sealed record HarnessOptions(int Kills, int Records, int Seed, ProcessingGuarantee Guarantee, string Directory, int MaxKillDelayMs = 1200, int ThrottleEvery = 0);

public sealed record HarnessResult(int Kills, int Expected, int Lost, int Duplicated, bool TablesEqual, string Line)
{
    public bool Passed(ProcessingGuarantee g) => g == ProcessingGuarantee.ExactlyOnce ? Lost == 0 && Duplicated == 0 : Lost == 0 && TablesEqual;
}

/// <summary>
/// The parent side: produce the input once (child process), then K times start a child that runs the
/// application and SIGKILL it after a random delay, then let a last child run to idle and close, and
/// compare the committed output with the TopologyTestDriver's for the same input.
/// </summary>
public static class CrashHarness
{
    public static HarnessResult Run(HarnessOptions o, TextWriter log)
    {
        log.WriteLine($"crash harness: kills {o.Kills}, records {o.Records}, seed {o.Seed}, guarantee {o.Guarantee}, throttle {o.ThrottleEvery}, dir {o.Directory}");
        if (Directory.Exists(o.Directory)) Directory.Delete(o.Directory, recursive: true);
        RunChild(o, "produce", kill: null, log);
        var rng = new Random(o.Seed);
        for (int k = 1; k <= o.Kills; k++)
        {
            var kill = rng.Next(5) == 0 ? new Kill(true, rng.Next(50, 1500)) : new Kill(false, rng.Next(0, o.MaxKillDelayMs));
            RunChild(o, "run", kill, log);
        }
        RunChild(o, "finish", kill: null, log);
        var reference = CrashWorkload.Reference(CrashWorkload.Generate(o.Records, o.Seed));
        var actual = ReadOutputs(o);
        int expected = 0, lost = 0, duplicated = 0;
        foreach (var topic in CrashWorkload.Outputs)
        {
            var want = reference[topic].GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            var got = actual[topic].GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            expected += reference[topic].Count;
            foreach (var (r, n) in want) lost += Math.Max(0, n - got.GetValueOrDefault(r));
            foreach (var (r, n) in got) duplicated += Math.Max(0, n - want.GetValueOrDefault(r));
        }
        bool tablesEqual = LatestPerKey(reference["profiles"]).OrderBy(kv => kv.Key).SequenceEqual(LatestPerKey(actual["profiles"]).OrderBy(kv => kv.Key));
        var line = $"kills: {o.Kills}, expected: {expected}, lost: {lost}, duplicated: {duplicated}";
        return new HarnessResult(o.Kills, expected, lost, duplicated, tablesEqual, line);
    }

    private static Dictionary<string, string?> LatestPerKey(List<(string? Key, string? Value, long Timestamp)> records)
    {
        var map = new Dictionary<string, string?>();
        foreach (var r in records)
        {
            if (r.Value is null) map.Remove(r.Key!);
            else map[r.Key!] = r.Value;
        }
        return map;
    }

    private static Dictionary<string, List<(string? Key, string? Value, long Timestamp)>> ReadOutputs(HarnessOptions o)
    {
        using var app = new BraidApplication(CrashWorkload.Build(), CrashWorkload.Options(o.Directory, o.Guarantee));
        return CrashWorkload.Outputs.ToDictionary(t => t, t => app.CreateReader<string, string>(t, Serdes.String, Serdes.String)
            .ReadToEnd().Select(r => (r.Key, r.Value, r.Timestamp)).ToList());
    }

    /// <summary>Where a kill lands: during start-up and recovery, or at a random moment while processing.</summary>
    private readonly record struct Kill(bool DuringStartup, int DelayMs);

    private static void RunChild(HarnessOptions o, string mode, Kill? kill, TextWriter log)
    {
        var psi = ChildStartInfo();
        foreach (var a in new[] { "--child", mode, "--dir", o.Directory, "--records", o.Records.ToString(), "--seed", o.Seed.ToString(),
                     "--guarantee", o.Guarantee == ProcessingGuarantee.ExactlyOnce ? "exactly-once" : "at-least-once",
                     "--throttle", mode == "run" ? o.ThrottleEvery.ToString() : "0" })
            psi.ArgumentList.Add(a);
        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        using var running = new ManualResetEventSlim();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
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
        if (kill is { } k)
        {
            // Startup kills hit recovery (log truncation, state open); the others hit processing and commits.
            if (!k.DuringStartup && !running.Wait(TimeSpan.FromSeconds(60)))
                throw new InvalidOperationException($"child '{mode}' did not start processing within 60 s:\n{string.Join('\n', output)}\n{stderr.Result}");
            if (!child.WaitForExit(k.DelayMs))
            {
                child.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no graceful anything.
                child.WaitForExit();
                string lag = output.LastOrDefault(l => l.StartsWith("lag ", StringComparison.Ordinal)) ?? "not processing yet";
                log.WriteLine($"  killed {(k.DuringStartup ? "during start-up" : "while running")} after {k.DelayMs} ms ({lag})");
                return;
            }
        }
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"child '{mode}' exited with {child.ExitCode}:\n{string.Join('\n', output)}\n{stderr.Result}");
        log.WriteLine($"  {mode}: {output.LastOrDefault()}");
    }

    private static ProcessStartInfo ChildStartInfo()
    {
        string dll = typeof(CrashHarness).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        return psi;
    }
}
