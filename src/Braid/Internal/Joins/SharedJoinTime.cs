namespace Braid.Internal.Joins;

/// <summary>
/// The clock both sides of one stream–stream join share within a task (Kafka's TimeTracker): one stream
/// time over both inputs, the earliest held non-joined timestamp (a cheap "anything due?" check), and the
/// wall-clock throttle of emission. Obtained through <see cref="TaskContext.GetOrCreateShared{T}"/> under
/// the join's name, so each task has its own and nothing is static.
/// <para>For a join where one side only holds records (a left join), it also keeps <see cref="Held"/>: what the
/// held store holds, counted, so an emit pass reads only the expired records (<see cref="HeldCount"/>).</para>
/// </summary>
internal sealed class SharedJoinTime
{
    private readonly System.Runtime.CompilerServices.StrongBox<long> _streamTime;

    /// <summary>Starts from the join's committed stream time (<see cref="TaskContext.NodeStreamTime"/>), when there is one.</summary>
    public SharedJoinTime(System.Runtime.CompilerServices.StrongBox<long>? committed = null)
    {
        _streamTime = committed ?? new System.Runtime.CompilerServices.StrongBox<long>(long.MinValue);
        // Restored: records held before the restart are unknown to this tracker, so the next check scans the buffer
        // (Kafka starts from MAX_VALUE and skips held records until a new one is held).
        bool fresh = _streamTime.Value == long.MinValue;
        MinHeldTime = fresh ? long.MaxValue : long.MinValue;
        // A fresh join's held store is empty (nothing was committed with it); a restored one is counted by a full pass.
        if (!fresh) Held.Forget();
    }

    public long StreamTime => _streamTime.Value;

    /// <summary>Kafka's minTime: a lower bound of held timestamps, refreshed by each emission scan.</summary>
    public long MinHeldTime { get; set; }

    public long NextTimeToEmit { get; set; } = long.MinValue;

    /// <summary>The held store's entries as counted by this task's operators (one side holding only).</summary>
    public HeldCount Held { get; } = new();

    public void Advance(long timestamp)
    {
        if (timestamp > _streamTime.Value) _streamTime.Value = timestamp;
    }
}
