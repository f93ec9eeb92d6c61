using Braid.Internal;

namespace Braid.Embedded.Runtime;

/// <summary>
/// Knows which of this application's own tasks write each topic that another of its tasks reads (a repartition
/// topic, or a topic the topology writes with <c>To</c> and reads back), and whether those writers may still add
/// records to it: a writer has input it has not processed, output not yet published, or its own upstream writers
/// may still feed it.
/// <para>Why (docs/differences.md, "Records still on their way inside the application"): Kafka's readiness rule
/// (<c>PartitionGroup.readyToProcess</c>: an empty partition with no fetch lag does not block at max.task.idle.ms = 0)
/// let a task race through its direct input while the repartitioned side was still being produced upstream; stream
/// time jumped ahead and the repartitioned records were then dropped as late (Nexmark q8 on the embedded runtime:
/// 11,265 results instead of 56,662 for input that was complete before start). In one process the runtime knows
/// those records are on their way, so an empty input they will land in is not "caught up".</para>
/// <para>Memory order: a writer publishes output (the log's visible end) before it clears its pending counts, and
/// <see cref="MayStillWrite"/> reads the counts before the reader compares its fetch position with the visible end
/// (<see cref="EmbeddedTask.IsCaughtUp"/>), so "no writer busy" is never paired with a stale end.</para>
/// <para>Cycles (a topic read by a task that, directly or not, writes it) would let two tasks wait on each other:
/// the topics on a cycle are not watched and keep Kafka's rule.</para>
/// </summary>
internal sealed class UpstreamWatch
{
    private readonly Dictionary<string, int[]> _writers = new(StringComparer.Ordinal);
    private readonly string[][] _sources;
    private readonly EmbeddedTask?[][] _tasks;

    public UpstreamWatch(TopologyModel model, TopologyLayout layout)
    {
        _sources = layout.SubtopologySources.ToArray();
        _tasks = layout.SubtopologyPartitions.Select(n => new EmbeddedTask?[n]).ToArray();
        var writers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int s = 0; s < model.Subtopologies.Count; s++)
        {
            foreach (var sink in model.Subtopologies[s].Where(n => n.Kind == NodeKind.Sink && n.SinkTopic is not null))
            {
                if (!writers.TryGetValue(sink.SinkTopic!, out var list)) writers[sink.SinkTopic!] = list = new List<int>();
                if (!list.Contains(s)) list.Add(s);
            }
        }
        foreach (var (topic, subs) in writers)
        {
            if (_sources.Any(src => src.Contains(topic)) && !OnCycle(topic, writers)) _writers[topic] = subs.ToArray();
        }
    }

    /// <summary>Whether a topic is written by tasks of this application (and not on a cycle).</summary>
    public bool Watches(string topic) => _writers.ContainsKey(topic);

    /// <summary>The task now running a sub-topology's partition (a replaced task takes its predecessor's place).</summary>
    public void Register(int subtopology, int partition, EmbeddedTask task) => Volatile.Write(ref _tasks[subtopology][partition], task);

    /// <summary>Whether any writer of the topic, or any writer upstream of those, may still add records to it.</summary>
    public bool MayStillWrite(string topic)
    {
        if (!_writers.TryGetValue(topic, out var subs)) return false;
        foreach (int s in subs)
        {
            var tasks = _tasks[s];
            for (int p = 0; p < tasks.Length; p++)
            {
                if (Volatile.Read(ref tasks[p]) is { HasBacklog: true }) return true;
            }
            foreach (var input in _sources[s])
            {
                if (MayStillWrite(input)) return true;
            }
        }
        return false;
    }

    private bool OnCycle(string topic, Dictionary<string, List<int>> writers)
    {
        // Walk upstream from the topic's writers; reaching a sub-topology that reads the topic closes a cycle.
        var readers = Enumerable.Range(0, _sources.Length).Where(s => _sources[s].Contains(topic)).ToHashSet();
        var seen = new HashSet<int>();
        var stack = new Stack<int>(writers[topic]);
        while (stack.Count > 0)
        {
            int s = stack.Pop();
            if (readers.Contains(s)) return true;
            if (!seen.Add(s)) continue;
            foreach (var input in _sources[s])
            {
                if (writers.TryGetValue(input, out var up)) foreach (int u in up) stack.Push(u);
            }
        }
        return false;
    }
}
