namespace Braid.Kafka;

/// <summary>The life cycle of a <see cref="BraidKafkaApplication"/>, as Kafka Streams' <c>KafkaStreams.State</c>.</summary>
public enum KafkaStreamsState
{
    /// <summary>Constructed, not started.</summary>
    Created,

    /// <summary>Joining the group, or tasks are being assigned, revoked or restored.</summary>
    Rebalancing,

    /// <summary>Every assigned task is restored and processing.</summary>
    Running,

    /// <summary>Closing: committing, flushing and leaving the group.</summary>
    PendingShutdown,

    /// <summary>Closed cleanly.</summary>
    NotRunning,

    /// <summary>Stopped by an error it could not recover from (see <see cref="BraidKafkaApplication.Error"/>).</summary>
    Error,
}
