namespace Braid.Kafka.Tests.HostEquivalence;

/// <summary>One input record of an equivalence case (string key and value, explicit timestamp).</summary>
public sealed record CaseRecord(string Topic, string Key, string? Value, long Timestamp);

/// <summary>An output record as a host produced it, with the partition it landed in.</summary>
public sealed record HostOutput(string Topic, int Partition, string? Key, string? Value, long Timestamp);

/// <summary>
/// A host that can run an equivalence case: every topic has <c>partitions</c> partitions, keys are partitioned by
/// Kafka's murmur2 of the key bytes, all input is present before processing starts (a backlog), and the result is
/// every record of <c>outputs</c> in per-partition order.
/// <para>Legs: <see cref="DriverLeg"/> (the reference), <see cref="EmbeddedLeg"/> and <see cref="KafkaLeg"/> (mock
/// cluster, exactly-once, outputs read with read_committed).</para>
/// </summary>
public interface IHostLeg
{
    string Name { get; }

    IReadOnlyList<HostOutput> Run(Topology topology, StreamsConfig config, int partitions, IReadOnlyList<CaseRecord> input, IReadOnlyList<string> outputs);
}
