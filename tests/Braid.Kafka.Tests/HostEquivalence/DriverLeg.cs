using Braid.Internal.Partitioning;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Kafka.Tests.HostEquivalence;

/// <summary>
/// The TopologyTestDriver as a partitioned host: one driver per partition (a task per partition, as the runtimes
/// have), each fed that partition's records in the order the runtime's <c>PartitionGroup</c> takes a backlog —
/// lowest timestamp first (the cases use distinct timestamps, so no tie rule is involved). Output partitions are
/// computed with the runtimes' partitioner.
/// </summary>
public sealed class DriverLeg : IHostLeg
{
    public string Name => "driver";

    public IReadOnlyList<HostOutput> Run(Topology topology, StreamsConfig config, int partitions, IReadOnlyList<CaseRecord> input, IReadOnlyList<string> outputs)
    {
        var result = new List<HostOutput>();
        for (int p = 0; p < partitions; p++)
        {
            using var driver = new TopologyTestDriver(topology, config with { ApplicationId = config.ApplicationId + "-p" + p });
            var topics = new Dictionary<string, TestInputTopic<string, string>>();
            foreach (var r in input.Where(r => PartitionOf(r.Key, partitions) == p).OrderBy(r => r.Timestamp))
            {
                if (!topics.TryGetValue(r.Topic, out var t)) topics[r.Topic] = t = driver.CreateInputTopic(r.Topic, Serdes.String, Serdes.String);
                t.PipeInput(r.Key, r.Value, r.Timestamp);
            }
            foreach (var topic in outputs)
            {
                foreach (var o in driver.CreateOutputTopic(topic, Serdes.String, Serdes.String).ReadRecordsToList())
                    result.Add(new HostOutput(topic, o.Key is null ? -1 : PartitionOf(o.Key, partitions), o.Key, o.Value, o.Timestamp));
            }
        }
        return result;
    }

    private static int PartitionOf(string key, int partitions) => Murmur2Partitioner.Partition(Serdes.String.Serialize(key), partitions);
}
