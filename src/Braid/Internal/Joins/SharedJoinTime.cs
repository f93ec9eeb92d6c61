namespace Braid.Internal.Joins;

/// <summary>
/// The clock both sides of one stream–stream join share within a task (Kafka's TimeTracker): one stream
/// time over both inputs, the earliest held non-joined timestamp (a cheap "anything due?" check), and the
/// wall-clock throttle of emission. Obtained through <see cref="TaskContext.GetOrCreateShared{T}"/> under
/// the join's name, so each task has its own and nothing is static.
/// </summary>
internal sealed class SharedJoinTime
{
    public long StreamTime { get; private set; } = long.MinValue;

    /// <summary>Kafka's minTime: a lower bound of held timestamps, refreshed by each emission scan.</summary>
    public long MinHeldTime { get; set; } = long.MaxValue;

    public long NextTimeToEmit { get; set; } = long.MinValue;

    public void Advance(long timestamp)
    {
        if (timestamp > StreamTime) StreamTime = timestamp;
    }
}
