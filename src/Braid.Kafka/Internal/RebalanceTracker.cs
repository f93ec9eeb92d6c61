using System.Text.Json;

namespace Braid.Kafka.Internal;

/// <summary>
/// Knows whether the group is in the middle of a rebalance, so the committer can skip commits there, as
/// Kafka Streams does (TaskManager.rebalanceInProgress, set when the member rejoins and cleared when its new
/// assignment is handled; StreamThread.maybeCommit then "will try again when it completes"). An offset commit
/// carries the member's generation; sent during a rebalance it is refused (REBALANCE_IN_PROGRESS, or
/// ILLEGAL_GENERATION once the generation moved on), and under exactly-once a refused offset commit aborts the
/// transaction, which rebuilds every task from its changelog.
/// Confluent.Kafka has no hook at the start of a rebalance (Kafka Streams uses the assignor's
/// subscriptionUserData call), so two signals are combined: the rebalance callbacks (revoked or lost → assigned)
/// and the group's join state from librdkafka's statistics (<c>cgrp.join_state</c>, "steady" outside rebalances),
/// which the group member emits every <see cref="StatisticsIntervalMs"/> ms.
/// </summary>
internal sealed class RebalanceTracker
{
    /// <summary>How often the group member reports its join state.</summary>
    public const int StatisticsIntervalMs = 100;

    private bool _betweenCallbacks;
    private bool _joining;

    /// <summary>True while a commit would be refused: between a revocation and the next assignment, or while the member (re)joins.</summary>
    public bool InProgress => _betweenCallbacks || _joining;

    /// <summary>Commits skipped because a rebalance was in progress.</summary>
    public long SkippedCommits { get; private set; }

    public void Revoked() => _betweenCallbacks = true;

    public void Assigned() => _betweenCallbacks = false;

    /// <summary>Reads librdkafka's statistics JSON (served by the group member's poll, on the stream thread).</summary>
    public void OnStatistics(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("cgrp", out var cgrp) || !cgrp.TryGetProperty("join_state", out var state)) return;
        _joining = state.GetString() != "steady";
        // A report after a revocation showing "steady" means the member rejoined even if no assignment callback came.
        if (!_joining) _betweenCallbacks = false;
    }

    /// <summary>
    /// A commit was refused because the group is rebalancing: hold commits until the next statistics report says
    /// the member is steady again (the join state reached us up to one report late).
    /// </summary>
    public void Refused(Confluent.Kafka.ErrorCode code)
    {
        if (code is Confluent.Kafka.ErrorCode.RebalanceInProgress or Confluent.Kafka.ErrorCode.IllegalGeneration or Confluent.Kafka.ErrorCode.UnknownMemberId)
            _joining = true;
    }

    /// <summary>Counts a commit that was due but skipped.</summary>
    public void Skipped() => SkippedCommits++;
}
