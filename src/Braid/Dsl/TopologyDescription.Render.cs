using System.Text;

namespace Braid;

// Renders the description as a picture: Mermaid (GitHub and most Markdown viewers draw it) or Graphviz DOT.
public sealed partial record TopologyDescription
{
    /// <summary>The topology as a Mermaid flowchart: one subgraph per sub-topology, topics as cylinders, stores as parallelograms.</summary>
    /// <returns>Mermaid source (paste it in a <c>```mermaid</c> block).</returns>
    public string ToMermaid()
    {
        var d = this;
        var sb = new StringBuilder("flowchart TD\n");
        foreach (var s in d.Subtopologies)
        {
            sb.Append("  subgraph sub").Append(s.Id).Append("[\"Sub-topology ").Append(s.Id).Append("\"]\n");
            foreach (var n in s.Nodes) sb.Append("    ").Append(Id(n.Name)).Append("[\"").Append(n.Kind).Append(": ").Append(n.Name).Append("\"]\n");
            sb.Append("  end\n");
        }
        foreach (var n in All(d))
        {
            foreach (var c in n.Successors) sb.Append("  ").Append(Id(n.Name)).Append(" --> ").Append(Id(c)).Append('\n');
            foreach (var t in n.Topics)
            {
                string topic = "topic_" + Id(t);
                sb.Append("  ").Append(topic).Append("[(\"").Append(t).Append("\")]\n");
                sb.Append("  ").Append(n.Kind == "Sink" ? $"{Id(n.Name)} --> {topic}" : $"{topic} --> {Id(n.Name)}").Append('\n');
            }
            foreach (var st in n.Stores) sb.Append("  ").Append(Id(n.Name)).Append(" -.- store_").Append(Id(st)).Append("[/\"").Append(st).Append("\"/]\n");
        }
        return sb.ToString();
    }

    /// <summary>The topology as a Graphviz digraph: one cluster per sub-topology, topics as cylinders, stores as folders.</summary>
    /// <returns>DOT source (render it with <c>dot -Tsvg</c>).</returns>
    public string ToDot()
    {
        var d = this;
        var sb = new StringBuilder("digraph topology {\n  rankdir=TB;\n");
        foreach (var s in d.Subtopologies)
        {
            sb.Append("  subgraph cluster_").Append(s.Id).Append(" {\n    label=\"Sub-topology ").Append(s.Id).Append("\";\n");
            foreach (var n in s.Nodes) sb.Append("    \"").Append(n.Name).Append("\" [shape=box];\n");
            sb.Append("  }\n");
        }
        foreach (var n in All(d))
        {
            foreach (var c in n.Successors) sb.Append("  \"").Append(n.Name).Append("\" -> \"").Append(c).Append("\";\n");
            foreach (var t in n.Topics)
            {
                sb.Append("  \"topic:").Append(t).Append("\" [shape=cylinder,label=\"").Append(t).Append("\"];\n");
                sb.Append(n.Kind == "Sink" ? $"  \"{n.Name}\" -> \"topic:{t}\";\n" : $"  \"topic:{t}\" -> \"{n.Name}\";\n");
            }
            foreach (var st in n.Stores)
                sb.Append("  \"store:").Append(st).Append("\" [shape=folder,label=\"").Append(st).Append("\"];\n  \"").Append(n.Name).Append("\" -> \"store:").Append(st).Append("\" [style=dashed,arrowhead=none];\n");
        }
        return sb.Append("}\n").ToString();
    }

    private static IEnumerable<TopologyNode> All(TopologyDescription d) => d.Subtopologies.SelectMany(s => s.Nodes).Concat(d.GlobalStores);

    private static string Id(string name) => new(name.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray());
}
