namespace Braid.Kafka.Internal;

/// <summary>
/// Failpoints (<see cref="Braid.Internal.Faults.Failpoints"/>) between the steps of a task changing hands — standby to
/// active, active to revoked — where a crash must leave local state, checkpoints and committed offsets in agreement
/// after a restart (<c>HandOverFailpointTests</c>; the commit's own steps are <see cref="KafkaFailpoints"/>).
/// </summary>
internal static class HandOverFailpoints
{
    /// <summary>A standby was claimed by a stream thread: its state and checkpoint are written and it is closed, the active
    /// task not opened yet.</summary>
    public const string StandbyClaimed = "kafka.handover.standby-claimed";

    /// <summary>A task newly assigned here (promoted from a standby of this instance, or restored) runs; it has not committed
    /// as an active task yet.</summary>
    public const string PromotedBeforeFirstCommit = "kafka.handover.promoted-before-first-commit";

    /// <summary>Tasks are being revoked: the revocation's commit (offsets, then the local checkpoint) has not run yet.</summary>
    public const string RevokedBeforeCheckpoint = "kafka.handover.revoked-before-checkpoint";

    /// <summary>A standby commit wrote state and checkpoints; the standby has not applied anything further yet.</summary>
    public const string StandbyCheckpointed = "kafka.handover.standby-checkpointed";
}
