using Braid.Samples;

namespace Braid.Cli;

/// <summary>A host for demos, with the one line the output header says about it.</summary>
internal sealed record DemoHostChoice(string Name, string Description, Func<Topology, IDemoHost> Create);

/// <summary>Which host <c>braid demo</c> runs on: the embedded runtime by default, the test driver on request.</summary>
internal static class DemoHosts
{
    public static readonly DemoHostChoice Embedded = new(
        "embedded",
        "embedded runtime (BraidApplication, a fresh temporary state directory per demo, deleted afterwards)",
        topology => new EmbeddedHost(topology));

    public static readonly DemoHostChoice Driver = new(
        "driver",
        "TopologyTestDriver (in memory, synchronous, deterministic; what the acceptance tests use)",
        topology => new DriverHost(topology));

    public static DemoHostChoice? Find(string name) =>
        name == Embedded.Name ? Embedded : name == Driver.Name ? Driver : null;
}
