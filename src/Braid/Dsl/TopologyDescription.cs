using System.Text;
using Braid.Internal;

namespace Braid;

/// <summary>One node of a topology description.</summary>
/// <param name="Name">The processor name.</param>
/// <param name="Kind">"Source", "Processor" or "Sink".</param>
/// <param name="Topics">Topics read (source) or written (sink).</param>
/// <param name="Stores">Stores the node uses.</param>
/// <param name="Predecessors">Parent node names.</param>
/// <param name="Successors">Child node names.</param>
public sealed record TopologyNode(string Name, string Kind, IReadOnlyList<string> Topics, IReadOnlyList<string> Stores,
    IReadOnlyList<string> Predecessors, IReadOnlyList<string> Successors);

/// <summary>A sub-topology: nodes connected by edges or shared stores (one task per partition runs it).</summary>
/// <param name="Id">The sub-topology number.</param>
/// <param name="Nodes">Its nodes in declaration order.</param>
public sealed record SubtopologyDescription(int Id, IReadOnlyList<TopologyNode> Nodes);

/// <summary>The shape of a topology, printable in Kafka's text format (<see cref="ToString"/>).</summary>
/// <param name="Subtopologies">The sub-topologies.</param>
/// <param name="GlobalStores">Nodes that maintain global stores.</param>
public sealed partial record TopologyDescription(IReadOnlyList<SubtopologyDescription> Subtopologies, IReadOnlyList<TopologyNode> GlobalStores)
{
    internal static TopologyDescription From(TopologyModel model)
    {
        TopologyNode Node(NodeSpec n) => new(n.Name, n.Kind.ToString(),
            n.Kind == NodeKind.Sink ? [n.SinkTopic!] : n.SourceTopics, n.Stores, n.Parents, n.Children);
        var subs = model.Subtopologies.Select((s, i) => new SubtopologyDescription(i, s.Select(Node).ToList())).ToList();
        var globals = model.GlobalNodes.OrderBy(n => n.Order).Select(Node).ToList();
        return new TopologyDescription(subs, globals);
    }

    /// <summary>Every topic read by a source, sub-topologies first, then global tables.</summary>
    public IEnumerable<string> SourceTopics =>
        Subtopologies.SelectMany(s => s.Nodes).Concat(GlobalStores).Where(n => n.Kind == "Source").SelectMany(n => n.Topics).Distinct();

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder("Topologies:\n");
        foreach (var s in Subtopologies)
        {
            sb.Append("   Sub-topology: ").Append(s.Id).Append('\n');
            foreach (var n in s.Nodes) AppendNode(sb, n);
        }
        if (GlobalStores.Count > 0)
        {
            sb.Append("   Global Stores:\n");
            foreach (var n in GlobalStores) AppendNode(sb, n);
        }
        return sb.ToString();
    }

    private static void AppendNode(StringBuilder sb, TopologyNode n)
    {
        sb.Append("    ").Append(n.Kind).Append(": ").Append(n.Name);
        if (n.Kind == "Source") sb.Append(" (topics: [").Append(string.Join(", ", n.Topics)).Append("])");
        else if (n.Kind == "Sink") sb.Append(" (topic: ").Append(n.Topics[0]).Append(')');
        else sb.Append(" (stores: [").Append(string.Join(", ", n.Stores)).Append("])");
        sb.Append('\n');
        if (n.Successors.Count > 0) sb.Append("      --> ").Append(string.Join(", ", n.Successors)).Append('\n');
        else if (n.Kind != "Sink") sb.Append("      --> none\n");
        if (n.Predecessors.Count > 0) sb.Append("      <-- ").Append(string.Join(", ", n.Predecessors)).Append('\n');
    }
}
