using System.Diagnostics;
using Braid.Processors;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// One stream thread's group subscription under lag-aware assignment: the per-task topics of the tasks
/// <see cref="LagAwareEligibility"/> makes it eligible for, re-computed a few times a second from the instance announcements.
/// A changed subscription makes the member rejoin; the cooperative-sticky assignor then moves only what must move (a task
/// whose topic this member dropped is revoked — committed and closed — through the ordinary callbacks). Safe at any moment:
/// the subscription only narrows whom the group may give a task to.
/// <para>Every change is a rebalance, during which no member commits (RebalanceTracker), so changes are few: one that asks
/// for more is made at once (liveness rests on it); one that only asks for less waits until the wanted subscription has
/// stayed the same for <see cref="Settle"/>, so several removals become one rebalance. Before a change the thread commits its tasks (<c>beforeChange</c>), so the rebalance starts with
/// nothing uncommitted.</para>
/// </summary>
internal sealed class LagAwareSubscription(TopicLayout layout, InstanceDirectory directory, KafkaStreamsOptions options, Action beforeChange, ILogger logger)
{
    /// <summary>How long a change that only asks for less waits for the wanted subscription to stay put.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>librdkafka's default <c>session.timeout.ms</c>.</summary>
    private const int DefaultSessionTimeoutMs = 45_000;

    /// <summary>How often an instance with standbys announces itself (StandbyUpdater's heartbeat).</summary>
    private static readonly TimeSpan AnnouncementInterval = TimeSpan.FromSeconds(1);

    /// <summary>The group's <c>session.timeout.ms</c>: how long the group keeps a dead member.</summary>
    public TimeSpan SessionTimeout { get; } = SessionTimeoutOf(options);

    internal static TimeSpan SessionTimeoutOf(KafkaStreamsOptions options) =>
        TimeSpan.FromMilliseconds(options.ClientSettings.TryGetValue("session.timeout.ms", out var v)
            && int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int ms) ? ms : DefaultSessionTimeoutMs);

    /// <summary>
    /// Whether an instance last heard at <paramref name="heardAt"/> still counts (its caught-up claims and lags), tied to the
    /// group's view of its members. An instance announces every second, so one silent for the session timeout is one the group
    /// is evicting (or would, had its process stalled as long). It counts as gone once the group completed a rebalance after
    /// that moment (<paramref name="rebalancedAt"/>: when this member last became steady) — the eviction's rebalance; asking
    /// for its tasks earlier would start a rebalance the dead member is still part of (the mock cluster then waits a session
    /// timeout for its SyncGroup; measured: fail-overs of 4–15 s with a window of the bare session timeout) — and in any case
    /// after the session timeout plus two announcements. A false alarm costs one rebalance, never a task on two members.
    /// </summary>
    internal static bool IsLive(long heardAt, long now, long rebalancedAt, TimeSpan session, long frequency)
    {
        long sessionTicks = (long)(session.TotalSeconds * frequency);
        long age = now - heardAt;
        if (age <= sessionTicks) return true;
        if (age > sessionTicks + (long)(2 * AnnouncementInterval.TotalSeconds * frequency)) return false;
        return rebalancedAt <= heardAt + sessionTicks;
    }

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private string[] _topics = [];
    private string[] _wanted = [];
    private readonly Stopwatch _wantedSince = Stopwatch.StartNew();
    private long _rebalancedAt = long.MinValue;
    private bool _wasSteady;

    /// <summary>Subscription changes made after the first subscription (each one a rebalance).</summary>
    public int Changes { get; private set; }

    /// <summary>The tasks this member asks the group for now (its subscription; diagnostics: who wanted a task that stalled).</summary>
    public IReadOnlyList<string> AskedFor => Volatile.Read(ref _askedFor);

    private string[] _askedFor = [];

    /// <summary>
    /// Subscribes <paramref name="group"/> to what this member should ask for now, if that changed and the member is
    /// <paramref name="steady"/> (joined, no rebalance in progress; the first subscription is always made).
    /// </summary>
    public void Refresh(IConsumer<byte[]?, byte[]?> group, Func<IReadOnlySet<TaskId>> owned, bool steady, bool now = false)
    {
        if (steady && !_wasSteady) _rebalancedAt = directory.Time.GetTimestamp();
        _wasSteady = steady;
        if (!now && _since.Elapsed < Interval) return;
        _since.Restart();
        directory.Poll(); // a thread that was busy for a while must not judge liveness on announcements it has not read yet
        long stamp = directory.Time.GetTimestamp(), frequency = directory.Time.TimestampFrequency;
        bool Live(long heardAt) => IsLive(heardAt, stamp, _rebalancedAt, SessionTimeout, frequency);
        var caughtUp = directory.CaughtUp(Live);
        var tasks = LagAwareEligibility.Tasks(layout.Tasks, layout.IsStateful, directory.Self, caughtUp, owned(),
            directory.Lags(Live), options.AcceptableRecoveryLag);
        var topics = tasks.Select(layout.TaskTopic).Order(StringComparer.Ordinal).ToArray();
        // A member asking for no task stays in the group (and so is assigned once, and Running): it subscribes to the
        // one-partition instances topic, which stands for no task.
        if (topics.Length == 0) topics = [layout.InstancesTopic];
        if (!topics.SequenceEqual(_wanted))
        {
            _wanted = topics;
            _wantedSince.Restart();
        }
        if (topics.SequenceEqual(_topics)) return;
        // Asking for more is made at once: the rule's liveness rests on every eligible member asking (a fail-over, or a standby
        // that caught up while the others stopped asking). Only asking for less — which can never leave a task without an
        // asker — waits until the wanted subscription stayed put for Settle, so removals batch. (A first version batched every
        // change that took no orphaned task; a harness run with it ended with inputs unreflected after 2 min: a member whose
        // wanted set kept changing could postpone a needed addition indefinitely.)
        bool adds = topics.Except(_topics).Any();
        if (!ShouldChange(_topics, topics, _wantedSince.Elapsed, steady)) return;
        // librdkafka aborts the process (rd_kafka_cgrp_modify_subscription asserts the join state is INIT or STEADY) when a
        // cooperative member's subscription changes while it (re)joins and a topic of the new subscription is missing from
        // its metadata cache (found in the fail-over harness: one instance in 30 kills). So the subscription changes only
        // while the member is steady, and the new topics' metadata is loaded into the member's own cache first: with every
        // topic cached, librdkafka never takes that path, whatever the join state by the time it handles the change.
        if (_topics.Length > 0 && !CacheMetadata(group, topics.Except(_topics))) return;
        if (_topics.Length > 0)
        {
            // Steady, so the commit is accepted; the rebalance this change starts then holds no uncommitted work of this member.
            beforeChange();
            Changes++;
        }
        group.Subscribe(topics);
        _topics = topics;
        Volatile.Write(ref _askedFor, tasks.Select(KafkaTask.Name).Order(StringComparer.Ordinal).ToArray());
        logger.LogInformation("Lag-aware assignment: asking the group for tasks [{Tasks}]{Why}.",
            string.Join(", ", tasks.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition).Select(KafkaTask.Name)), adds ? "" : " (fewer)");
    }

    /// <summary>
    /// Whether the subscription changes from <paramref name="current"/> to <paramref name="wanted"/> now (the timing rule alone,
    /// a pure function so the model test can drive it): the first subscription always; then only while <paramref name="steady"/>
    /// (librdkafka's abort, below); asking for more at once; asking only for less once the wanted set stayed put for
    /// <see cref="Settle"/>.
    /// </summary>
    internal static bool ShouldChange(IReadOnlyList<string> current, IReadOnlyList<string> wanted, TimeSpan wantedStableFor, bool steady)
    {
        if (current.Count == 0) return true;
        if (current.SequenceEqual(wanted) || !steady) return false;
        return wanted.Except(current).Any() || wantedStableFor >= Settle;
    }

    /// <summary>Reads the topics' metadata through the member's own handle (a per-topic answer updates its cache).</summary>
    private bool CacheMetadata(IConsumer<byte[]?, byte[]?> group, IEnumerable<string> topics)
    {
        using var admin = new DependentAdminClientBuilder(group.Handle).Build();
        foreach (var topic in topics)
        {
            try
            {
                var md = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
                if (md.Topics.Count != 1 || md.Topics[0].Error.IsError) throw new KafkaException(md.Topics.FirstOrDefault()?.Error ?? new Error(ErrorCode.UnknownTopicOrPart));
            }
            catch (KafkaException e)
            {
                logger.LogWarning("Lag-aware assignment: no metadata for '{Topic}' yet ({Reason}); the subscription changes later.", topic, e.Error.Reason);
                return false;
            }
        }
        return true;
    }
}
