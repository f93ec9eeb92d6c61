using Braid.Internal;

namespace Braid.Kafka.Internal;

/// <summary>A topology description whose internal topics carry the real names they have on the cluster.</summary>
internal static class KafkaTopologyDescription
{
    public static TopologyDescription Describe(Topology topology, string applicationId)
    {
        var model = topology.Model;
        string Real(string t) => model.InternalTopics.Contains(t) ? applicationId + "-" + t : t;
        TopologyNode Map(TopologyNode n) => n with { Topics = n.Topics.Select(Real).ToList() };
        var d = topology.Describe();
        return new TopologyDescription(
            d.Subtopologies.Select(s => s with { Nodes = s.Nodes.Select(Map).ToList() }).ToList(),
            d.GlobalStores.Select(Map).ToList());
    }
}
