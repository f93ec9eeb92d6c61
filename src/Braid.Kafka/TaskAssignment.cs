namespace Braid.Kafka;

/// <summary>How the Kafka host decides which instance runs each task (<see cref="KafkaStreamsOptions.TaskAssignment"/>).</summary>
public enum TaskAssignment
{
    /// <summary>
    /// The default, with or without standby replicas: librdkafka's cooperative-sticky assignor spreads the tasks over every
    /// member of the group. It knows nothing of standby replicas, so a fail-over may land on an instance that must restore the
    /// task's stores from scratch. (Lag-aware assignment stays opt-in: in paired harness runs its median fail-over was slower;
    /// see docs/kafka.md.)
    /// </summary>
    Group = 0,

    /// <summary>
    /// Lag-aware (as Kafka Streams' <c>HighAvailabilityTaskAssignor</c>): a stateful task may only go to an instance that is
    /// caught up on it — the one running it, or one whose standby replica is within
    /// <see cref="KafkaStreamsOptions.AcceptableRecoveryLag"/> of the changelog end — unless no live instance is caught up, when
    /// any may take it. A fail-over lands on the caught-up standby, and a move for balance waits until the new instance's
    /// replica (a standby, or a warm-up replica: <see cref="KafkaStreamsOptions.MaxWarmupReplicas"/>) has caught up. Needs a
    /// <see cref="KafkaStreamsOptions.StateDirectory"/>; without standbys a fail-over restores fully, as in the default mode; each task gets a one-partition
    /// topic <c>&lt;app&gt;-braid-task-&lt;task&gt;</c>. See "Lag-aware task assignment" in docs/kafka.md.
    /// </summary>
    LagAware = 1,
}
