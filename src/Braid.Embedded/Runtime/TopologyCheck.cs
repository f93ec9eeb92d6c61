using System.Text;
using Braid.Internal;
using Braid.Internal.State;

namespace Braid.Embedded.Runtime;

/// <summary>
/// What a state directory's committed offsets and stores mean: a task is (sub-topology index, partition), and
/// committed input offsets (<c>offset/&lt;task&gt;/&lt;topic&gt;/&lt;p&gt;</c>) and store rows (RocksDB keys start with the
/// task) are filed under it. A topology whose sub-topologies are numbered differently — a stream declared before
/// the existing ones, an operator that merges or splits sub-topologies, a renamed repartition topic — would look
/// up other tasks' offsets and state: its tasks find none, reprocess their inputs from offset 0 and duplicate
/// every output, even under exactly-once. Kafka Streams does not have this failure on Kafka (offsets are the
/// group's per partition, state comes back from changelogs named by store), so the embedded host must not
/// silently diverge: the layout is stored in <c>meta/topology</c> and checked at open, before anything is
/// written. Compatible (accepted): logic changes inside a sub-topology, new sinks, new stores, sub-topologies
/// added after the existing ones or removed from the end. Refused with a <see cref="TopologyException"/>: a
/// sub-topology index whose input topics changed, a store that moved to another sub-topology or changed kind.
/// (The Kafka host's counterpart is <c>Braid.Kafka.Internal.TopologyFingerprint</c>.)
/// </summary>
internal static class TopologyCheck
{
    public const string Key = "meta/topology";

    /// <summary>One line per sub-topology (its sorted input topics) and per store (its sub-topology and kind).</summary>
    public static Dictionary<string, string> Describe(TopologyModel model, TopologyLayout layout)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < layout.SubtopologySources.Count; i++)
        {
            d["sub-topology " + i] = "reads [" + string.Join(", ", layout.SubtopologySources[i].Order(StringComparer.Ordinal)) + "]";
            foreach (var store in model.Subtopologies[i].SelectMany(n => n.Stores).Distinct())
                d["store " + store] = $"in sub-topology {i} as {(model.Stores.TryGetValue(store, out var b) ? b.Kind.ToString() : "?")}";
        }
        return d;
    }

    /// <summary>Throws when the stored layout gives existing offsets or state another meaning; returns the entry to store.</summary>
    public static KeyValuePair<string, byte[]?> Verify(IStateBackend backend, TopologyModel model, TopologyLayout layout, string appDirectory)
    {
        var now = Describe(model, layout);
        var text = string.Join("\n", now.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + ": " + e.Value));
        if (backend.ReadMetadata(Key) is { } stored)
        {
            var before = Encoding.UTF8.GetString(stored).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(": ", 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            var changed = before.Where(e => now.TryGetValue(e.Key, out var v) && v != e.Value)
                .Select(e => $"{e.Key}: was {e.Value}, now {now[e.Key]}").ToList();
            if (changed.Count > 0)
            {
                throw new TopologyException(
                    $"the topology does not match the one that wrote {appDirectory}: {string.Join("; ", changed)}. Committed offsets and state " +
                    "are filed by sub-topology number, so these tasks would lose their state and reprocess their inputs from the start " +
                    "(duplicating output). Sub-topologies are numbered in the order the topology declares its streams and tables: declare " +
                    "new ones after the existing ones, name repartitioning operators (Grouped/Repartitioned names) so their topics keep " +
                    "their names, keep each store in its sub-topology — or run the changed topology under a new ApplicationId.");
            }
        }
        return new(Key, Encoding.UTF8.GetBytes(text));
    }
}
