using Braid.Samples;

namespace Braid.Samples.Tests;

/// <summary>Runs a demo in the TopologyTestDriver and lists what each step caused, one line per output record.</summary>
internal static class DemoHarness
{
    public static DemoRun Run(Demo demo) => DemoRunner.Run(demo, script => new DriverHost(script.BuildTopology()));

    /// <summary>"#step topic key → value @time" for every output of a script, in order.</summary>
    public static string[] Lines(DemoScriptRun script) =>
        script.Steps.SelectMany(s => s.Outputs.Select(o => $"#{s.Number} {o}")).ToArray();

    /// <summary>"#step question → answer" for every query step of a script.</summary>
    public static string[] Answers(DemoScriptRun script) =>
        script.Steps.Where(s => s.Step is DemoQuery).Select(s => $"#{s.Number} {((DemoQuery)s.Step).Question} → {s.Answer}").ToArray();
}
