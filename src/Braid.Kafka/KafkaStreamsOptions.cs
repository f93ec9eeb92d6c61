namespace Braid.Kafka;

/// <summary>
/// Kafka settings of a <see cref="BraidKafkaApplication"/>. Moving an application from the test driver
/// or the embedded runtime to Kafka changes only configuration: the same <see cref="Topology"/> and
/// <see cref="StreamsConfig"/>, plus these options. Every value is checked by <see cref="Validate"/>.
/// </summary>
public sealed record KafkaStreamsOptions
{
    private static readonly string[] OwnedKeys =
    [
        "group.id", "enable.auto.commit", "enable.auto.offset.store", "transactional.id", "isolation.level",
        "partition.assignment.strategy", "group.protocol",
    ];

    /// <summary>Comma-separated host:port list of brokers. Required.</summary>
    public string BootstrapServers { get; init; } = "";

    /// <summary>Any librdkafka setting, passed to every client (security, timeouts, <c>session.timeout.ms</c>, …).
    /// Settings Braid owns (group.id, transactional.id, isolation.level, commit and assignment settings) are rejected.</summary>
    public IReadOnlyDictionary<string, string> ClientSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>At-least-once (default) or exactly-once v2.</summary>
    public ProcessingGuarantee ProcessingGuarantee { get; init; } = ProcessingGuarantee.AtLeastOnce;

    /// <summary>How often offsets (and, under exactly-once, transactions) are committed. Default: 30 s at-least-once, 100 ms exactly-once.</summary>
    public TimeSpan? CommitInterval { get; init; }

    /// <summary>This instance's endpoint for interactive queries (Kafka Streams' <c>application.server</c>), "host:port".</summary>
    public string? ApplicationServer { get; init; }

    /// <summary>Bound on each blocking cluster call at start-up and shutdown (metadata, topic checks, commits). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on reading the global tables to their end at start-up. Default 10 min. (Task stores restore in steps
    /// inside the poll loop, with no bound: the member stays in its group meanwhile.)</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Where this instance keeps task state on disk (RocksDB, one database per application id below it). With a
    /// state directory a task restores only the changelog records after its local checkpoint; without one
    /// (default) stores live in memory and every assignment replays the whole changelog. Instances in one
    /// process need different directories.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>
    /// With a <see cref="StateDirectory"/>: serve the diagnostics socket <c>StateDirectory/ApplicationId/diagnostics.sock</c>
    /// while running (default true), as the embedded runtime does — a Unix domain socket with owner-only access, no TCP
    /// port — so <c>braid ui --state-dir</c> on the same machine shows this instance's dashboard. False turns it off.
    /// </summary>
    public bool DiagnosticsSocket { get; init; } = true;

    /// <summary>Create missing internal topics (repartition, changelog, task and instance topics) at start-up (default true).
    /// When false they must exist with the right partition counts.</summary>
    public bool CreateInternalTopics { get; init; } = true;

    /// <summary>
    /// How often every owned input position is committed again, even when nothing was read. The group subscribes
    /// only to the task topic, and the broker expires offsets of topics a group does not subscribe to
    /// <c>offsets.retention.minutes</c> (7 days) after their last commit; an idle input (a table's topic) would then
    /// restart from the beginning and be reprocessed. Default 1 hour; it must stay well below the broker's retention.
    /// Positions are also committed right after each assignment.
    /// </summary>
    public TimeSpan InputOffsetRenewal { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a task waits for an empty input that is at its end before processing its other inputs
    /// (Kafka's <c>max.task.idle.ms</c>; default 0). An empty input not yet read to its end always waits.</summary>
    public TimeSpan MaxTaskIdle { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long the on-disk state of a task this instance no longer owns is kept (Kafka Streams' <c>state.cleanup.delay.ms</c>,
    /// default 10 min); a task coming back sooner restores only the changelog after its checkpoint. Keep it well below the
    /// changelogs' <c>delete.retention.ms</c> (1 day by default): compaction drops tombstones after that, and state kept
    /// longer could bring deleted keys back. Only with a <see cref="StateDirectory"/>.
    /// </summary>
    public TimeSpan StateCleanupDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Lets this instance replace the topology recorded for the application id when its own differs (a changed task
    /// list). Set it only once every instance of the old topology is stopped: instances still running it are fenced (they
    /// stop with a <see cref="TopologyException"/>). Default false: a different topology is refused. See docs/kafka.md, "Upgrades".
    /// </summary>
    public bool AllowTopologyChange { get; init; }

    /// <summary>Told about restore progress of newly assigned tasks' stores (Kafka Streams' <c>StateRestoreListener</c>); none by default.</summary>
    public IStateRestoreListener? RestoreListener { get; init; }

    /// <summary>
    /// Stream threads per instance (Kafka Streams' <c>num.stream.threads</c>; default 1). Each thread is its own member of
    /// the application's group, so tasks spread over all threads of all instances; each has its own producer (its own
    /// transactional id under exactly-once). Threads can be added and removed while running
    /// (<see cref="BraidKafkaApplication.AddStreamThread"/>, <see cref="BraidKafkaApplication.RemoveStreamThreadAsync"/>).
    /// </summary>
    public int StreamThreads { get; init; } = 1;

    /// <summary>
    /// Standby replicas per stateful task (Kafka Streams' <c>num.standby.replicas</c>; default 0): other instances keep warm
    /// copies of each task's on-disk stores by reading its changelogs, so a fail-over that lands on such an instance restores
    /// only the changelog tail. Never placed with the task's active instance; needs a <see cref="StateDirectory"/>. Placement is
    /// computed alike by every instance (librdkafka has no custom assignor): see "Standby replicas" in docs/kafka.md for
    /// what that means for which instance takes a task over.
    /// </summary>
    public int NumStandbyReplicas { get; init; }

    /// <summary>
    /// Who may take a task over (default <see cref="Kafka.TaskAssignment.Group"/>, also with standbys: librdkafka's sticky
    /// assignor decides). With <see cref="Kafka.TaskAssignment.LagAware"/> a task only goes to an instance caught up on it (its standby within
    /// <see cref="AcceptableRecoveryLag"/>), so a fail-over restores only the changelog tail. Changing it for a running
    /// application is a topology change (see "Upgrades" in docs/kafka.md): instances of both modes never run side by side.
    /// </summary>
    public TaskAssignment TaskAssignment { get; init; } = TaskAssignment.Group;

    /// <summary>
    /// With <see cref="Kafka.TaskAssignment.LagAware"/>: how many changelog records behind its end a standby replica may be and
    /// still count as caught up, so its instance may take the task over (Kafka Streams' <c>acceptable.recovery.lag</c>; default
    /// 10,000).
    /// </summary>
    public long AcceptableRecoveryLag { get; init; } = 10_000;

    /// <summary>
    /// With <see cref="Kafka.TaskAssignment.LagAware"/>: how many warm-up replicas the group keeps at once (Kafka Streams'
    /// <c>max.warmup.replicas</c>; default 2, at least 1). When an instance runs two or more stateful tasks more than another
    /// (a new or restarted instance joined), a task to move is first restored on the under-loaded instance as a warm-up replica,
    /// and moves only once that replica is within <see cref="AcceptableRecoveryLag"/>; the warm-up is dropped once the task moved
    /// or is no longer to move. Every instance computes the same plan (see "Warm-up replicas" in docs/kafka.md).
    /// </summary>
    public int MaxWarmupReplicas { get; init; } = 2;

    /// <summary>The commit interval in force.</summary>
    public TimeSpan EffectiveCommitInterval =>
        CommitInterval ?? (ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(30));

    /// <summary>Checks every value; throws <see cref="ConfigException"/> naming the first bad key.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
            throw new ConfigException(nameof(BootstrapServers), "must list at least one broker as host:port.");
        foreach (var server in BootstrapServers.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!IsHostPort(server))
                throw new ConfigException(nameof(BootstrapServers), $"'{server}' is not host:port.");
        }
        if (ClientSettings is null) throw new ConfigException(nameof(ClientSettings), "must not be null.");
        foreach (var key in ClientSettings.Keys)
        {
            if (OwnedKeys.Contains(key, StringComparer.Ordinal))
                throw new ConfigException(key, "is set by Braid (from ApplicationId and ProcessingGuarantee) and may not be overridden in ClientSettings.");
            if (key == "bootstrap.servers")
                throw new ConfigException(key, "set BootstrapServers instead.");
        }
        if (!Enum.IsDefined(ProcessingGuarantee))
            throw new ConfigException(nameof(ProcessingGuarantee), $"unknown value {(int)ProcessingGuarantee}.");
        if (CommitInterval is { } ci && ci <= TimeSpan.Zero)
            throw new ConfigException(nameof(CommitInterval), "must be positive.");
        if (ApplicationServer is not null && !IsHostPort(ApplicationServer))
            throw new ConfigException(nameof(ApplicationServer), $"'{ApplicationServer}' is not host:port.");
        if (StateDirectory is not null && string.IsNullOrWhiteSpace(StateDirectory))
            throw new ConfigException(nameof(StateDirectory), "must be a directory path, or null for in-memory state.");
        if (ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce && ClientSettings.TryGetValue("transaction.timeout.ms", out var txn)
            && (!int.TryParse(txn, out int txnMs) || TimeSpan.FromMilliseconds(txnMs) <= EffectiveCommitInterval))
        {
            // As Kafka Streams (StreamsConfig: "Transaction timeout ... was set lower than commit interval"): every commit interval ends a transaction.
            throw new ConfigException("transaction.timeout.ms", $"'{txn}' must be a number of milliseconds above the commit interval ({EffectiveCommitInterval.TotalMilliseconds:0} ms).");
        }
        if (NumStandbyReplicas < 0) throw new ConfigException(nameof(NumStandbyReplicas), $"must not be negative (was {NumStandbyReplicas}).");
        if (NumStandbyReplicas > 0 && StateDirectory is null)
            throw new ConfigException(nameof(NumStandbyReplicas), "standby replicas are kept in the state directory: set StateDirectory too.");
        if (!Enum.IsDefined(TaskAssignment))
            throw new ConfigException(nameof(TaskAssignment), $"unknown value {(int)TaskAssignment}.");
        if (TaskAssignment == TaskAssignment.LagAware && StateDirectory is null)
            throw new ConfigException(nameof(TaskAssignment), "lag-aware assignment moves tasks only to instances holding a caught-up replica (standby or warm-up), kept in the state directory: set StateDirectory too.");
        if (MaxWarmupReplicas < 1) throw new ConfigException(nameof(MaxWarmupReplicas), $"must be at least 1 (was {MaxWarmupReplicas}).");
        if (AcceptableRecoveryLag < 0) throw new ConfigException(nameof(AcceptableRecoveryLag), $"must not be negative (was {AcceptableRecoveryLag}).");
        if (StreamThreads < 1) throw new ConfigException(nameof(StreamThreads), $"must be at least 1 (was {StreamThreads}).");
        if (StateCleanupDelay < TimeSpan.Zero) throw new ConfigException(nameof(StateCleanupDelay), "must not be negative.");
        if (MaxTaskIdle < TimeSpan.Zero) throw new ConfigException(nameof(MaxTaskIdle), "must not be negative.");
        if (InputOffsetRenewal <= TimeSpan.Zero) throw new ConfigException(nameof(InputOffsetRenewal), "must be positive.");
        if (RequestTimeout <= TimeSpan.Zero) throw new ConfigException(nameof(RequestTimeout), "must be positive.");
        if (RestoreTimeout <= TimeSpan.Zero) throw new ConfigException(nameof(RestoreTimeout), "must be positive.");
    }

    private static bool IsHostPort(string s)
    {
        int colon = s.LastIndexOf(':');
        return colon > 0 && int.TryParse(s.AsSpan(colon + 1), out int port) && port is > 0 and < 65536;
    }
}
