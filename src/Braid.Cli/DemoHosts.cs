using Braid.Samples;

namespace Braid.Cli;

/// <summary>A host for demos, with the one line the output header says about it.</summary>
internal sealed record DemoHostChoice(string Name, string Description, Func<DemoScript, IDemoHost> Create);

/// <summary>Which host <c>braid demo</c> runs on: the embedded runtime by default, the test driver on request.</summary>
internal static class DemoHosts
{
    public static readonly DemoHostChoice Embedded = new(
        "embedded",
        "embedded runtime (BraidApplication, a fresh temporary state directory per demo, deleted afterwards)",
        script => new EmbeddedHost(script));

    public static readonly DemoHostChoice Driver = new(
        "driver",
        "TopologyTestDriver (in memory, synchronous, deterministic; what the acceptance tests use)",
        script => new DriverHost(script.BuildTopology()));

    public static DemoHostChoice? Find(string name) =>
        name == Embedded.Name ? Embedded : name == Driver.Name ? Driver : null;
}
