using Braid.Kafka.Internal;

namespace Braid.Kafka.Tests;

/// <summary>
/// A topic admin that answers every topic's partition count as it first saw it: the instance's partition watch
/// (<see cref="PartitionWatch"/>) then never notices a change, so a test can see what the group member's rebalance
/// callback alone does with a grown task topic. The counts first seen are shared by every admin an application makes
/// (<paramref name="first"/>), so the start-up check and the watch agree.
/// </summary>
internal sealed class FrozenTopicAdmin(ITopicAdmin inner, Dictionary<string, int> first) : ITopicAdmin
{
    private readonly Dictionary<string, int> _first = first;

    private int _masked;

    /// <summary>Answers that hid a count other than the cluster's (this admin blinded its caller at least once).</summary>
    public int Masked => Volatile.Read(ref _masked);

    public IReadOnlyDictionary<string, int> DescribeTopics(IEnumerable<string> topics, TimeSpan timeout)
    {
        var now = inner.DescribeTopics(topics, timeout);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_first)
        {
            foreach (var (topic, n) in now)
            {
                if (!_first.TryAdd(topic, n) && _first[topic] != n) Interlocked.Increment(ref _masked);
                result[topic] = _first[topic];
            }
        }
        return result;
    }

    public void CreateTopics(IReadOnlyCollection<TopicSpec> topics, TimeSpan timeout) => inner.CreateTopics(topics, timeout);

    public void Dispose() => inner.Dispose();
}
