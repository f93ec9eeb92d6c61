using Braid.Processors;
using System.Globalization;
using Braid.Internal;
using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Kafka.Internal;

/// <summary>
/// The Kafka topics of one application: real names of internal topics (<c>&lt;app&gt;-&lt;name&gt;</c>),
/// changelogs (<c>&lt;app&gt;-&lt;store&gt;-changelog</c>), partition counts per sub-topology, the
/// co-partitioning check, and the task list. Computed once at start-up from the model and the cluster.
/// </summary>
internal sealed class TopicLayout
{
    private readonly TopologyModel _model;
    private readonly Dictionary<string, string> _realToModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _modelToReal = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changelogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskId> _taskByTopic = new(StringComparer.Ordinal);

    private TopicLayout(TopologyModel model, string applicationId)
    {
        _model = model;
        ApplicationId = applicationId;
        TasksTopic = applicationId + "-braid-tasks";
        InstancesTopic = applicationId + "-braid-instances";
        // Named once: RealName runs for every record sent and every record a serde sees.
        foreach (var t in model.InternalTopics) _modelToReal[t] = applicationId + "-" + t;
    }

    public string ApplicationId { get; }

    /// <summary>One partition per task; the consumer group's assignment of it is the task assignment.</summary>
    public string TasksTopic { get; }

    /// <summary>Where instances announce their endpoint and tasks (instance metadata for interactive queries).</summary>
    public string InstancesTopic { get; }

    public List<TaskId> Tasks { get; } = new();

    public int[] PartitionsPerSubtopology { get; private set; } = [];

    /// <summary>Real source topics per sub-topology.</summary>
    public List<string[]> SourcesPerSubtopology { get; } = new();

    /// <summary>Logged stores per sub-topology with their changelog topic.</summary>
    public List<Dictionary<string, string>> ChangelogsPerSubtopology { get; } = new();

    public string[] GlobalTopics { get; private set; } = [];

    public List<TopicSpec> InternalTopics { get; } = new();

    public string RealName(string modelTopic) => _modelToReal.TryGetValue(modelTopic, out var real) ? real : modelTopic;

    public string ModelName(string realTopic) => _realToModel.TryGetValue(realTopic, out var m) ? m : realTopic;

    public bool IsChangelog(string topic) => _changelogs.Contains(topic);

    /// <summary>An internal topic the application writes and reads back (repartition, foreign-key subscription/response).</summary>
    public bool IsRepartition(string realTopic) => _realToModel.ContainsKey(realTopic);

    public static string ChangelogName(string applicationId, string store) => applicationId + "-" + store + "-changelog";

    /// <summary>Builds the layout from known partition counts of external topics; throws on missing topics or broken co-partitioning.</summary>
    public static TopicLayout Compute(TopologyModel model, string applicationId, IReadOnlyDictionary<string, int> externalPartitions)
    {
        var layout = new TopicLayout(model, applicationId);
        layout.ComputeCore(externalPartitions);
        return layout;
    }

    /// <summary>External topics (sources, global sources) the cluster must already have.</summary>
    public static IReadOnlyList<string> ExternalTopics(TopologyModel model) =>
        model.SourceTopics.Concat(model.GlobalTopics).Where(t => !model.InternalTopics.Contains(t)).Distinct().ToList();

    private void ComputeCore(IReadOnlyDictionary<string, int> external)
    {
        var missing = ExternalTopics(_model).Where(t => !external.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw new UnknownTopicException(missing[0],
                $"source topic(s) [{string.Join(", ", missing)}] do not exist on the cluster; create them before starting the application.");
        }
        var subs = _model.Subtopologies;
        var sources = subs.Select(s => s.Where(n => n.Kind == NodeKind.Source).SelectMany(n => n.SourceTopics).ToArray()).ToList();
        var sinks = subs.Select(s => s.Where(n => n.Kind == NodeKind.Sink).Select(n => n.SinkTopic!).ToHashSet()).ToList();
        var counts = new int[subs.Count];
        var internalCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var pinned = new HashSet<string>(StringComparer.Ordinal); // read next to external topics: their count is forced
        for (int i = 0; i < subs.Count; i++)
        {
            var ext = sources[i].Where(t => !_model.InternalTopics.Contains(t)).ToList();
            var distinct = ext.Select(t => external[t]).Distinct().ToList();
            if (distinct.Count > 1)
            {
                throw new TopologyException("co-partitioning violated: topics joined in one sub-topology must have the same number of partitions, but " +
                    string.Join(", ", ext.Select(t => $"'{t}' has {external[t]}")) + ".");
            }
            if (distinct.Count == 1)
            {
                counts[i] = distinct[0];
                foreach (var t in sources[i].Where(_model.InternalTopics.Contains))
                {
                    internalCounts[t] = counts[i];
                    pinned.Add(t);
                }
            }
        }
        // Other internal topics take the largest count of the sub-topologies writing them (as Kafka Streams).
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < subs.Count; i++)
            {
                if (counts[i] == 0)
                {
                    int c = sources[i].Select(t => internalCounts.GetValueOrDefault(t)).DefaultIfEmpty(0).Max();
                    if (c > 0) { counts[i] = c; changed = true; }
                }
                foreach (var t in sinks[i].Where(t => _model.InternalTopics.Contains(t) && !pinned.Contains(t)))
                {
                    if (counts[i] > internalCounts.GetValueOrDefault(t)) { internalCounts[t] = counts[i]; changed = true; }
                }
            }
        }
        for (int i = 0; i < subs.Count; i++)
        {
            if (counts[i] == 0) throw new TopologyException($"cannot determine the partition count of sub-topology {i}: it reads only internal topics nobody writes.");
        }
        PartitionsPerSubtopology = counts;
        foreach (var t in _model.InternalTopics)
        {
            _realToModel[RealName(t)] = t;
            int n = internalCounts.TryGetValue(t, out var c) ? c : counts.Max();
            // As Kafka Streams' RepartitionTopicConfig: kept until read (infinite retention; the application deletes what it has
            // committed, RepartitionPurger), small segments so deletion frees space soon.
            InternalTopics.Add(new TopicSpec(RealName(t), n, new Dictionary<string, string>
            {
                ["cleanup.policy"] = "delete", ["retention.ms"] = "-1", ["segment.bytes"] = "52428800", ["segment.ms"] = "600000",
            }));
        }
        for (int i = 0; i < subs.Count; i++)
        {
            SourcesPerSubtopology.Add(sources[i].Select(RealName).Distinct().ToArray());
            var logs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var store in subs[i].SelectMany(n => n.Stores).Distinct().Where(s => !_model.GlobalStoreNames.Contains(s)))
            {
                var builder = _model.Stores[store];
                if (!builder.LoggingEnabled) continue;
                logs[store] = ChangelogName(ApplicationId, store);
                _changelogs.Add(logs[store]);
                InternalTopics.Add(new TopicSpec(logs[store], counts[i], ChangelogConfig(builder)));
            }
            ChangelogsPerSubtopology.Add(logs);
            for (int p = 0; p < counts[i]; p++) Tasks.Add(new TaskId(i, p));
        }
        GlobalTopics = _model.GlobalTopics.Distinct().ToArray();
        // Compacted: it holds the topology fingerprint (TopologyGuard), which must never expire.
        InternalTopics.Add(new TopicSpec(TasksTopic, Tasks.Count, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }));
        InternalTopics.Add(new TopicSpec(InstancesTopic, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }));
    }

    /// <summary>
    /// Lag-aware assignment (<see cref="TaskAssignment.LagAware"/>): one one-partition topic per task, so that a member can
    /// ask the group for exactly the tasks it is caught up on by subscribing to their topics (<see cref="LagAwareEligibility"/>).
    /// Compacted and never written: only their assignment counts.
    /// </summary>
    public void AddTaskTopics()
    {
        foreach (var id in Tasks)
        {
            string topic = TaskTopic(id);
            _taskByTopic[topic] = id;
            InternalTopics.Add(new TopicSpec(topic, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }));
        }
    }

    /// <summary>Whether tasks are assigned through per-task topics (<see cref="AddTaskTopics"/>) rather than the task topic's partitions.</summary>
    public bool PerTaskTopics => _taskByTopic.Count > 0;

    public string TaskTopic(TaskId id) => ApplicationId + "-braid-task-" + KafkaTask.Name(id);

    /// <summary>The task a per-task topic stands for; null for any other topic.</summary>
    public TaskId? TaskOfTopic(string topic) => _taskByTopic.TryGetValue(topic, out var id) ? id : null;

    /// <summary>Whether a task keeps state in changelogs (only those are worth keeping warm elsewhere).</summary>
    public bool IsStateful(TaskId id) => ChangelogsPerSubtopology[id.Subtopology].Count > 0;

    // The builders are generic; the retention properties are read by name rather than per type argument.
    private static TimeSpan Span(StoreBuilder builder, string property) =>
        (TimeSpan)builder.GetType().GetProperty(property)!.GetValue(builder)!;

    private static Dictionary<string, string> ChangelogConfig(StoreBuilder builder)
    {
        static string Ms(TimeSpan t) => ((long)(t + TimeSpan.FromDays(1)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return builder.Kind switch
        {
            "Window" or "Session" => new() { ["cleanup.policy"] = "compact,delete", ["retention.ms"] = Ms(Span(builder, "Retention")) },
            // A versioned store's changelog keeps full history inside the retention: compaction may not remove older versions earlier.
            "Versioned" => new() { ["cleanup.policy"] = "compact", ["min.compaction.lag.ms"] = Ms(Span(builder, "HistoryRetention")) },
            _ => new() { ["cleanup.policy"] = "compact" },
        };
    }
}
