namespace Braid.Kafka.Internal;

/// <summary>
/// Test hooks that put a task between its claim and its restore (<c>DroppedHandOverTests</c>), one set per instance
/// (on its <see cref="StandbyUpdater"/>). Nothing here is set in production.
/// </summary>
internal sealed class HandOverTestHooks
{
    private int _rejoin;
    private int _rejoins;

    /// <summary>While set, tasks newly assigned to the instance stay pending: their restore does not begin (as while the
    /// committed-offset fetch keeps failing, e.g. UNSTABLE_OFFSET_COMMIT).</summary>
    public volatile bool HoldRestores;

    /// <summary>Completed rejoins (<see cref="RequestRejoin"/>).</summary>
    public int Rejoins => Volatile.Read(ref _rejoins);

    /// <summary>The stream thread leaves the group's subscription and subscribes again: the group revokes every task it
    /// holds (through the ordinary revocation callback) and assigns them afresh.</summary>
    public void RequestRejoin() => Interlocked.Exchange(ref _rejoin, 1);

    /// <summary>Whether a rejoin was requested (once).</summary>
    public bool TakeRejoinRequest() => Interlocked.Exchange(ref _rejoin, 0) == 1;

    public void Rejoined() => Interlocked.Increment(ref _rejoins);
}
