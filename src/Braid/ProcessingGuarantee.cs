namespace Braid;

/// <summary>
/// What a commit promises (Kafka's <c>processing.guarantee</c>); one setting for every host.
/// </summary>
public enum ProcessingGuarantee
{
    /// <summary>Output may become visible before its input offsets are committed: after a crash nothing is lost,
    /// but records since the last commit are processed again, so output may repeat. Faster.</summary>
    AtLeastOnce,

    /// <summary>Input offsets, state and output become durable together (embedded: one atomic commit; Kafka:
    /// exactly-once v2 transactions, consumers read committed data only): after a crash nothing is lost or duplicated.</summary>
    ExactlyOnce,
}
