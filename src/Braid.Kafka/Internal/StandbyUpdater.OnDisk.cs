using Braid.Processors;

namespace Braid.Kafka.Internal;

/// <summary>
/// Lag-aware assignment: the instance's on-disk task copies (<see cref="OnDiskTaskLags"/>) announced with its standbys' lags, for
/// the least-lag fallback (Kafka's <c>HighAvailabilityTaskAssignor.buildClientRankingsByTask</c> ranks clients by these lags).
/// </summary>
internal sealed partial class StandbyUpdater
{
    private OnDiskTaskLags? _onDisk;

    /// <summary>The on-disk copies' lags (lag-aware assignment with a state directory only; a test hook).</summary>
    internal OnDiskTaskLags? OnDisk => _onDisk;

    /// <summary>
    /// At start-up, before the updater's thread and every stream thread: reads the copies' lags and announces them at once (and
    /// waits for the announcement to be written), so an instance that starts next — or this one's own first subscription — counts
    /// them; otherwise a member with no state could take the tasks in the first rebalance and restore them whole.
    /// </summary>
    private void StartOnDiskLags()
    {
        if (_options.TaskAssignment != TaskAssignment.LagAware || Local is not { } local) return;
        var timeout = _options.RequestTimeout < TimeSpan.FromSeconds(5) ? _options.RequestTimeout : TimeSpan.FromSeconds(5);
        _onDisk = new OnDiskTaskLags(_layout, local, OnDiskTaskLags.EndsOf(_consumer, timeout), _directory.Time);
        local.Removed += _onDisk.Invalidate;
        RefreshOnDiskLags();
        lock (_lock) AnnounceCaughtUp();
        _directory.Heartbeat();
        _directory.Flush(timeout);
    }

    /// <summary>
    /// On the updater's thread (never a stream thread): re-reads the copies when invalidated or every
    /// <see cref="OnDiskTaskLags.Interval"/>. The broker requests run outside the lock (a stream thread's Claim must not wait on
    /// them); a task claimed or opened as a standby meanwhile is left out when the lags are announced.
    /// </summary>
    private void RefreshOnDiskLags()
    {
        if (_onDisk is null) return;
        HashSet<TaskId> skip;
        lock (_lock) skip = _standbys.Keys.Concat(_claimed).ToHashSet();
        _onDisk.MaybeRefresh(skip.Contains);
    }

    /// <summary>Adds the on-disk copies to the announced lags (<see cref="OnDiskTaskLags.AddTo"/>). Call under the lock.</summary>
    private void AddOnDiskCopies(Dictionary<string, long> lags) =>
        _onDisk?.AddTo(lags, id => _standbys.ContainsKey(id) || _claimed.Contains(id));
}
