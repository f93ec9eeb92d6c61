namespace Braid.Kafka;

/// <summary>How input, state and output are kept consistent across failures.</summary>
public enum ProcessingGuarantee
{
    /// <summary>Outputs and changelogs are flushed before input offsets are committed: nothing is lost, a crash may repeat work.</summary>
    AtLeastOnce,

    /// <summary>Kafka's exactly-once v2: one transactional producer per stream thread; outputs, changelog writes and input
    /// offsets commit in one transaction; consumers read committed data only.</summary>
    ExactlyOnceV2,
}
