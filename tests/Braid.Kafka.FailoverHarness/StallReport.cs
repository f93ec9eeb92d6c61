using Braid.Kafka.Internal;
using Braid.Processors;
using Confluent.Kafka;

namespace Braid.Kafka.FailoverHarness;

/// <summary>
/// What the harness prints when inputs stay unreflected: per task whose input is not committed to its end, its input
/// positions (committed in the application's group, against the partition's end) at the start and at the end of the
/// verification wait, and who runs it, keeps a standby of it and (lag-aware) asks the group for it, per instance. A stall
/// then names the task and the instances that should have taken it, not only a count.
/// </summary>
public static class StallReport
{
    /// <summary>Committed input offset and end offset of every input partition, per task.</summary>
    internal static Dictionary<string, List<(TopicPartition Partition, long Committed, long End)>> Positions(string bootstrap, TopicLayout layout)
    {
        var result = new Dictionary<string, List<(TopicPartition, long, long)>>();
        // Reading committed offsets does not join the group: this consumer never subscribes.
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = FailoverWorkload.ApplicationId })
            .SetLogHandler((_, _) => { }).Build();
        foreach (var task in layout.Tasks)
        {
            var partitions = layout.SourcesPerSubtopology[task.Subtopology].Select(t => new TopicPartition(layout.RealName(t), task.Partition)).ToList();
            var committed = c.Committed(partitions, TimeSpan.FromSeconds(10)).ToDictionary(o => o.TopicPartition, o => o.Offset.Value);
            result[KafkaTask.Name(task)] = partitions
                .Select(p => (p, Math.Max(0, committed.GetValueOrDefault(p, 0)), c.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value)).ToList();
        }
        return result;
    }

    /// <summary>Lines naming every task behind its input's end, with who runs, keeps and asks for it.</summary>
    public static IEnumerable<string> Lines(Dictionary<string, List<(TopicPartition Partition, long Committed, long End)>> atStart,
        Dictionary<string, List<(TopicPartition Partition, long Committed, long End)>> atEnd, IReadOnlyList<(string Name, bool Alive, ChildProcess.Report Last)> children, long nowMs)
    {
        foreach (var (task, positions) in atEnd.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (positions.All(p => p.Committed >= p.End)) continue;
            var before = atStart.GetValueOrDefault(task) ?? [];
            bool moved = positions.Any(p => before.FirstOrDefault(b => b.Partition == p.Partition).Committed != p.Committed);
            string where = string.Join(", ", positions.Select(p =>
                $"{p.Partition.Topic}-{p.Partition.Partition.Value} committed {before.FirstOrDefault(b => b.Partition == p.Partition).Committed}→{p.Committed} of {p.End}"));
            yield return $"task {task} behind ({(moved ? "progressing" : "NO PROGRESS during the wait")}): {where}; " +
                $"active on [{Who(children, r => r.Active.Contains(task))}], standby on [{Who(children, r => r.Standby.Contains(task))}], " +
                $"asked for by [{Who(children, r => r.AskedFor.Contains(task))}]";
        }
        foreach (var c in children)
        {
            var r = c.Last;
            yield return $"{c.Name}: {(c.Alive ? "alive" : "DEAD")}, last report {(r.AtMs < 0 ? "none" : $"{nowMs - r.AtMs} ms ago")}, " +
                $"running={(r.Running ? 1 : 0)}, active [{string.Join(' ', r.Active.Order())}], standby [{string.Join(' ', r.Standby.Order())}], " +
                $"asks [{string.Join(' ', r.AskedFor.Order())}]";
        }
    }

    private static string Who(IReadOnlyList<(string Name, bool Alive, ChildProcess.Report Last)> children, Func<ChildProcess.Report, bool> has) =>
        string.Join(", ", children.Where(c => c.Alive && has(c.Last)).Select(c => c.Name));
}
