using Braid.Internal.Nodes;

namespace Braid.Internal;

internal enum NodeKind
{
    Source,
    Processor,
    Sink,
}

/// <summary>
/// The build-time description of one node: how to instantiate it (once per task), its edges, its stores
/// and topics. Instances never outlive a task; specs are shared by every task of the topology.
/// </summary>
internal sealed class NodeSpec(string name, NodeKind kind, Func<ProcessorNode> factory, int order)
{
    public string Name { get; } = name;

    public NodeKind Kind { get; } = kind;

    public Func<ProcessorNode> Factory { get; } = factory;

    /// <summary>Declaration order; sub-topologies and descriptions follow it.</summary>
    public int Order { get; } = order;

    public List<string> Parents { get; } = new();

    public List<string> Children { get; } = new();

    public List<string> Stores { get; } = new();

    public string[] SourceTopics { get; init; } = [];

    public string? SinkTopic { get; init; }

    public bool IsGlobal { get; init; }
}
