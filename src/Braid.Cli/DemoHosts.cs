using Braid.Samples;

namespace Braid.Cli;

/// <summary>A host for demos, with the one line the output header says about it.</summary>
internal sealed record DemoHostChoice(string Description, Func<Topology, IDemoHost> Create);

/// <summary>Which host <c>braid demo</c> runs on.</summary>
internal static class DemoHosts
{
    public static DemoHostChoice Default() => new(
        "TopologyTestDriver (in memory, deterministic). The embedded runtime (BraidApplication) is not available in this build yet.",
        topology => new DriverHost(topology));
}
