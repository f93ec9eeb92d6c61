namespace Braid.Embedded.Tests.HostEquivalence;

/// <summary>One input record of an equivalence case (string key and value, explicit timestamp).</summary>
public sealed record CaseRecord(string Topic, string Key, string? Value, long Timestamp);

/// <summary>An output record as a host produced it, with the partition it landed in.</summary>
public sealed record HostOutput(string Topic, int Partition, string? Key, string? Value, long Timestamp);

/// <summary>
/// A host that can run an equivalence case: every topic has <c>partitions</c> partitions, keys are partitioned by
/// Kafka's murmur2 of the key bytes, all input is present before processing starts (a backlog), and the result is
/// every record of <c>outputs</c> in per-partition order.
/// <para>Legs today: <see cref="DriverLeg"/> and <see cref="EmbeddedLeg"/>. <b>Kafka hook:</b> the Kafka host's leg
/// (mock cluster, <c>tests/Braid.Kafka.Tests</c>) implements this interface, produces the case's input before
/// starting, and reads the outputs with read_committed; the cases in <see cref="HostEquivalenceCases"/> are public so
/// that suite can run them unchanged.</para>
/// </summary>
public interface IHostLeg
{
    string Name { get; }

    IReadOnlyList<HostOutput> Run(Topology topology, StreamsConfig config, int partitions, IReadOnlyList<CaseRecord> input, IReadOnlyList<string> outputs);
}
