using Braid.Internal;

namespace Braid.Embedded.Runtime;

/// <summary>
/// Which local topics a topology needs, their partition counts, which ones the application writes, and
/// the tasks: one per sub-topology and partition of its (co-partitioned) source topics.
/// </summary>
internal sealed class TopologyLayout
{
    private TopologyLayout() { }

    /// <summary>Source topics per sub-topology (index = sub-topology id).</summary>
    public List<string[]> SubtopologySources { get; } = new();

    /// <summary>Partitions per sub-topology (= tasks of it).</summary>
    public List<int> SubtopologyPartitions { get; } = new();

    public Dictionary<string, int> Partitions { get; } = new(StringComparer.Ordinal);

    /// <summary>Topics the topology's sinks write (output and internal topics).</summary>
    public HashSet<string> Written { get; } = new(StringComparer.Ordinal);

    public string[] GlobalTopics { get; private set; } = [];

    public IEnumerable<(int Subtopology, int Partition)> Tasks =>
        SubtopologySources.SelectMany((_, i) => Enumerable.Range(0, SubtopologyPartitions[i]).Select(p => (i, p)));

    public static TopologyLayout Compute(TopologyModel model, BraidApplicationOptions options)
    {
        var layout = new TopologyLayout();
        foreach (var t in model.SinkTopics.Concat(model.InternalTopics)) layout.Written.Add(t);
        // The dead-letter topic is written by the error handlers: opened (and, under exactly-once, cut to its
        // committed end) at start like every other written topic.
        if (options.Streams.DeadLetterQueueTopic is { } dlq) layout.Written.Add(dlq);
        var external = model.SourceTopics.Concat(model.GlobalTopics).Where(t => !model.InternalTopics.Contains(t)).Distinct().ToList();
        foreach (var t in external.Concat(layout.Written))
        {
            try
            {
                BraidApplicationOptions.ValidateTopicName(t, "topic");
            }
            catch (ConfigException)
            {
                throw new TopologyException($"topic '{t}' cannot be a local log: names may use only ASCII letters, digits, '.', '_' and '-'.");
            }
        }
        foreach (var t in external) layout.Partitions[t] = options.PartitionsOf(t);
        // Internal topics get as many partitions as the widest external input, as Kafka sizes repartition topics.
        int widest = layout.Partitions.Count == 0 ? options.DefaultPartitions : layout.Partitions.Values.Max();
        foreach (var t in layout.Written)
        {
            if (!layout.Partitions.ContainsKey(t))
                layout.Partitions[t] = options.Topics.FirstOrDefault(o => o.Name == t)?.Partitions ?? (model.InternalTopics.Contains(t) ? widest : options.DefaultPartitions);
        }
        layout.GlobalTopics = model.GlobalTopics.Distinct().ToArray();
        foreach (var sub in model.Subtopologies)
        {
            var sources = sub.Where(n => n.Kind == NodeKind.Source).SelectMany(n => n.SourceTopics).Distinct().ToArray();
            var counts = sources.Select(t => layout.Partitions[t]).Distinct().ToList();
            if (counts.Count > 1)
            {
                throw new TopologyException(
                    $"topics [{string.Join(", ", sources.Select(t => $"{t} ({layout.Partitions[t]})"))}] are read by one task group and must be co-partitioned (the same number of partitions).");
            }
            layout.SubtopologySources.Add(sources);
            layout.SubtopologyPartitions.Add(counts.Count == 0 ? 1 : counts[0]);
        }
        return layout;
    }
}
