using Braid.Samples;

namespace Braid.Cli;

/// <summary>Sanity checks on a finished demo run, so a broken demo fails loudly instead of printing empty tables.</summary>
internal static class DemoChecks
{
    /// <summary>Why the run is not believable, or null when it is.</summary>
    public static string? Failure(DemoRun run)
    {
        foreach (var script in run.Scripts)
        {
            if (!script.Outputs.Any()) return $"\"{script.Script.Title}\" produced no output.";
        }
        return null;
    }
}
