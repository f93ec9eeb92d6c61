namespace Braid.Kafka;

/// <summary>
/// How far one local store partition has read its changelog (Kafka Streams' <c>LagInfo</c>), from
/// <see cref="BraidKafkaApplication.AllLocalStorePartitionLags"/>. A running active task is at the end (lag 0); a
/// restoring task or a standby replica is where it has read to.
/// </summary>
/// <param name="CurrentOffsetPosition">The next changelog offset the local store will apply.</param>
/// <param name="EndOffsetPosition">The changelog partition's end (its high watermark when asked).</param>
public sealed record LagInfo(long CurrentOffsetPosition, long EndOffsetPosition)
{
    /// <summary>Changelog records the local store has not applied yet (never negative).</summary>
    public long OffsetLag => Math.Max(0, EndOffsetPosition - CurrentOffsetPosition);
}
