namespace Braid.Kafka.Internal;

/// <summary>
/// The Kafka host's failpoints (<see cref="Braid.Internal.Faults.Failpoints"/>): the steps of a commit where a crash
/// or an I/O error must leave the restored state and the committed offsets in agreement after a restart.
/// </summary>
internal static class KafkaFailpoints
{
    /// <summary>At-least-once: outputs and changelog writes acknowledged, nothing committed yet.</summary>
    public const string AfterFlush = "kafka.commit.after-flush";

    /// <summary>At-least-once: local state and checkpoint written, input offsets not committed yet.</summary>
    public const string AfterLocalCheckpoint = "kafka.commit.after-local-checkpoint";

    /// <summary>Exactly-once: offsets sent to the transaction, the transaction not committed yet.</summary>
    public const string AfterSendOffsets = "kafka.commit.after-send-offsets";

    /// <summary>Exactly-once: the transaction committed, the local checkpoint not written yet.</summary>
    public const string AfterCommitTransaction = "kafka.commit.after-commit-transaction";
}
