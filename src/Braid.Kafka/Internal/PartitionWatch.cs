using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Detects partition-count changes of the topics the task list was laid out from (source, global and internal
/// topics) while the application runs, and stops it with a clear <see cref="TopologyException"/>. A task is a
/// partition index: with more partitions, keys hash to other partitions and so to other tasks, whose state does not
/// hold them (silently wrong aggregates and joins). Kafka Streams notices the same change when the member's metadata
/// refresh (<c>metadata.max.age.ms</c>) triggers a rebalance, and its assignor then enforces co-partitioning
/// (StreamsPartitionAssignor, CopartitionedTopicsEnforcer); Braid refuses any change, co-partitioned or not, since
/// its tasks cannot be re-laid out under running state. Checked every <c>topic.metadata.refresh.interval.ms</c>
/// (librdkafka's metadata refresh; 5 min by default, as Kafka's metadata.max.age.ms).
/// </summary>
internal sealed class PartitionWatch(ITopicAdmin admin, IReadOnlyDictionary<string, int> expected, ISet<string> globalTopics,
    TimeSpan interval, TimeSpan timeout, ILogger logger) : IDisposable
{
    private readonly Stopwatch _timer = Stopwatch.StartNew();

    /// <summary>The check interval configured for the clients (librdkafka's <c>topic.metadata.refresh.interval.ms</c>).</summary>
    public static TimeSpan IntervalOf(KafkaStreamsOptions options) =>
        options.ClientSettings.TryGetValue("topic.metadata.refresh.interval.ms", out var v)
            && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMinutes(5);

    /// <summary>Checks when the interval has passed.</summary>
    public void MaybeCheck()
    {
        if (_timer.Elapsed < interval) return;
        _timer.Restart();
        Check();
    }

    /// <summary>Throws <see cref="TopologyException"/> when a topic's partition count differs from the layout's.</summary>
    public void Check()
    {
        IReadOnlyDictionary<string, int> now;
        try
        {
            now = admin.DescribeTopics(expected.Keys, timeout);
        }
        catch (Exception e) when (e is KafkaException or KafkaUnavailableException)
        {
            logger.LogWarning("Checking the partition counts of the application's topics failed ({Reason}); retried later.", e.Message);
            return;
        }
        foreach (var (topic, n) in expected)
        {
            if (!now.TryGetValue(topic, out int m) || m == n) continue;
            string what = globalTopics.Contains(topic)
                ? "global topic: the new partitions are not read until the instance restarts"
                : "tasks are partition indexes, so keys would move to other tasks whose state does not hold them";
            throw new TopologyException($"topic '{topic}' now has {m} partitions, but this application was laid out for {n} ({what}). " +
                "Stop every instance; see 'Upgrades' in docs/kafka.md (changing partition counts needs a new application id or a reset).");
        }
    }

    public void Dispose() => admin.Dispose();
}
