using Braid.Internal;
using Braid.Serialization;

namespace Braid.Kafka.Internal;

/// <summary>
/// The serde context under which a store's keys were partitioned: the key of a record in a source topic that
/// feeds the store. <see cref="BraidKafkaApplication.QueryMetadataForKey"/> serializes the key with it, so a
/// context-requiring key serde (Schema Registry: subject from the topic) works and yields the bytes the producer
/// or repartition sink hashed. Kafka's StreamsMetadataState.getKeyQueryMetadataForKey does the same with the
/// store's source topic (the one with the most partitions; a sub-topology's sources are co-partitioned here).
/// </summary>
internal static class StoreKeyContext
{
    public static SerdeContext For(TopologyModel model, TopicLayout layout, int subtopology, string store, bool serdeWritesHeaders)
    {
        var nodes = model.Subtopologies[subtopology].ToDictionary(n => n.Name);
        // Source topics upstream of the nodes that use the store, in name order (the same on every instance).
        var seen = new HashSet<string>();
        var pending = new Stack<string>(nodes.Values.Where(n => n.Stores.Contains(store)).Select(n => n.Name));
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name) || !nodes.TryGetValue(name, out var node)) continue;
            foreach (var t in node.SourceTopics) topics.Add(t);
            foreach (var p in node.Parents) pending.Push(p);
        }
        string topic = topics.Min ?? model.Subtopologies[subtopology].SelectMany(n => n.SourceTopics).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new StreamsException($"Store '{store}' is fed by no named topic, so no key context can be given to its key serde.");
        // A serde that writes headers (schema id in headers) gets a throwaway list: only the key bytes are hashed.
        // An internal (repartition) topic under its name on the cluster, as the sink that wrote the key gave it.
        return new SerdeContext(layout.RealName(topic), SerdeTarget.Key, serdeWritesHeaders ? new Headers() : null);
    }
}
