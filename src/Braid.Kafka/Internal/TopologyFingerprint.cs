using System.Security.Cryptography;
using System.Text;
using Braid.Internal;

namespace Braid.Kafka.Internal;

/// <summary>
/// What makes a task the same task on every instance: per sub-topology (= task group) its real input topics, its
/// stores with their kinds and its output topics, plus the global topics. A task is only a partition index into
/// this list, so two instances whose lists differ would run different work under the same task id, writing each
/// other's changelogs and committing each other's offsets. Logic inside a sub-topology (a filter's predicate, a
/// mapper) is not part of it: changing that alone is compatible (a rolling upgrade). Partition counts are not
/// part of it either: the task topic's partition count enforces them.
/// </summary>
internal static class TopologyFingerprint
{
    /// <summary>A readable canonical text of the task list (shown in errors when fingerprints differ).</summary>
    public static string Describe(TopologyModel model, TopicLayout layout)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < layout.SourcesPerSubtopology.Count; i++)
        {
            var nodes = model.Subtopologies[i];
            var stores = nodes.SelectMany(n => n.Stores).Distinct().Order(StringComparer.Ordinal)
                .Select(s => model.Stores.TryGetValue(s, out var b) ? s + ":" + b.Kind : s);
            var sinks = nodes.Where(n => n.Kind == NodeKind.Sink && n.SinkTopic is not null)
                .Select(n => layout.RealName(n.SinkTopic!)).Distinct().Order(StringComparer.Ordinal);
            sb.Append("sub-topology ").Append(i)
                .Append(": in [").AppendJoin(", ", layout.SourcesPerSubtopology[i].Order(StringComparer.Ordinal))
                .Append("] stores [").AppendJoin(", ", stores)
                .Append("] out [").AppendJoin(", ", sinks).Append("]; ");
        }
        sb.Append("global [").AppendJoin(", ", layout.GlobalTopics.Order(StringComparer.Ordinal)).Append(']');
        // Members of the two modes would each take every task (one from the task topic, one from the per-task topics): the
        // mode is part of what must agree, so an instance of the other mode is refused or fenced like another topology.
        if (layout.PerTaskTopics) sb.Append("; task assignment lag-aware");
        return sb.ToString();
    }

    /// <summary>A short hash of <see cref="Describe"/>.</summary>
    public static string Hash(string description) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16].ToLowerInvariant();
}
