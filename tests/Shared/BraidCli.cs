using System.Diagnostics;

namespace Braid.Tests.Shared;

/// <summary>
/// The braid command as a user runs it: <c>dotnet Braid.Cli.dll …</c> in a separate process, with redirected output.
/// Linked into the test projects that run the CLI (the Braid.Cli.dll beside the test binaries).
/// </summary>
internal static class BraidCli
{
    /// <summary>The start info for <c>braid <paramref name="args"/></c> run from <paramref name="workingDirectory"/>,
    /// for tests that talk to the running process.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Braid.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs <c>braid <paramref name="args"/></c> to its end and returns what it printed; fails the test when
    /// it takes longer than <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Out, string Err, TimeSpan Took) Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(StartInfo(workingDirectory, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(timeout), $"braid {string.Join(' ', args)} did not finish within {timeout}");
        return (p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
