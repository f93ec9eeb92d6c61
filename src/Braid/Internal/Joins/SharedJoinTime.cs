namespace Braid.Internal.Joins;

/// <summary>
/// The clock both sides of one stream–stream join share within a task (Kafka's TimeTracker): one stream
/// time over both inputs, the earliest held non-joined timestamp (a cheap "anything due?" check), and the
/// wall-clock throttle of emission. Obtained through <see cref="TaskContext.GetOrCreateShared{T}"/> under
/// the join's name, so each task has its own and nothing is static.
/// <para>For each side that holds records (a left join's left, both of an outer join's), the held keys' order is kept
/// beside it (<see cref="HeldOrder{TKey}"/>, shared under <see cref="HeldOrderName"/>); <see cref="Restored"/> says whether it
/// must first be rebuilt from the store.</para>
/// </summary>
internal sealed class SharedJoinTime
{
    private readonly System.Runtime.CompilerServices.StrongBox<long> _streamTime;
    private readonly System.Runtime.CompilerServices.StrongBox<long> _minHeldTime;

    /// <summary>
    /// Starts from the join's committed stream time and committed <see cref="MinHeldTime"/>
    /// (<see cref="TaskContext.NodeStreamTime"/>, under <see cref="MinHeldTimeNode"/>), when there are.
    /// </summary>
    public SharedJoinTime(System.Runtime.CompilerServices.StrongBox<long>? committed = null,
        System.Runtime.CompilerServices.StrongBox<long>? committedMinHeldTime = null)
    {
        _streamTime = committed ?? new System.Runtime.CompilerServices.StrongBox<long>(long.MinValue);
        _minHeldTime = committedMinHeldTime ?? new System.Runtime.CompilerServices.StrongBox<long>(long.MinValue);
        bool fresh = _streamTime.Value == long.MinValue;
        // Kafka's minTime is not a lower bound of the held timestamps: an emit pass leaves it at the last key it read,
        // so a record held earlier waits for the next pass that minTime allows (KStreamKStreamJoin.emitNonJoinedOuterRecords).
        // When a pass comes therefore depends on minTime's history, and a restart that lost it changed the order of the
        // output (RestartEquivalenceTests, seed 1315109997: a held record released one record later than without the
        // restart). So the embedded runtime commits it with the stream time and a restart continues from it. Absent
        // (MinValue: a host that commits no times, or "unknown"): a fresh join holds nothing (MAX_VALUE, Kafka's start);
        // a restored one scans its buffer at the next check (Kafka would skip held records until a new one is held).
        if (_minHeldTime.Value == long.MinValue) _minHeldTime.Value = fresh ? long.MaxValue : long.MinValue;
        // A fresh join's held store is empty (nothing was committed with it); a restored one is read by a full pass.
        Restored = !fresh;
    }

    /// <summary>The name <see cref="MinHeldTime"/> is committed under, beside the join's stream time.</summary>
    public static string MinHeldTimeNode(string joinName) => joinName + ".min-held-time";

    public long StreamTime => _streamTime.Value;

    /// <summary>Kafka's minTime: the "anything due?" bound of the held timestamps, refreshed by each emission scan.</summary>
    public long MinHeldTime
    {
        get => _minHeldTime.Value;
        set => _minHeldTime.Value = value;
    }

    public long NextTimeToEmit { get; set; } = long.MinValue;

    /// <summary>Whether the join started from committed state: its held store may hold keys this task has not seen.</summary>
    public bool Restored { get; }

    /// <summary>The name one side's held keys' order (<see cref="HeldOrder{TKey}"/>) is shared under in the task.</summary>
    public static string HeldOrderName(string joinName, bool isLeft) => joinName + (isLeft ? ".held-order.left" : ".held-order.right");

    /// <summary>The name the join's held records (<see cref="HeldRecords{TKey,TLeft,TRight}"/>) are shared under in the task.</summary>
    public static string HeldRecordsName(string joinName) => joinName + ".held-records";

    public void Advance(long timestamp)
    {
        if (timestamp > _streamTime.Value) _streamTime.Value = timestamp;
    }
}
