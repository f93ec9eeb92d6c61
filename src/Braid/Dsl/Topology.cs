using Braid.Internal;

namespace Braid;

/// <summary>
/// A built, checked topology: what <see cref="StreamsBuilder.Build"/> returns and every host runs.
/// </summary>
public sealed class Topology
{
    internal Topology(TopologyModel model) => Model = model;

    internal TopologyModel Model { get; }

    /// <summary>The sub-topologies, processors, stores and topics, as Kafka's <c>Topology.describe()</c>.</summary>
    /// <returns>The description; its <c>ToString()</c> prints Kafka's text format.</returns>
    public TopologyDescription Describe() => TopologyDescription.From(Model);
}
