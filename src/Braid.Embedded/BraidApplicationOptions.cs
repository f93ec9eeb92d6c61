namespace Braid.Embedded;

/// <summary>Which failures committed data survives.</summary>
public enum Durability
{
    /// <summary>A process crash (kill -9): commits reach the OS page cache, no fsync.</summary>
    ProcessCrash,

    /// <summary>Also a power loss or OS crash: every commit fsyncs the logs and the state (slower).</summary>
    PowerLoss,
}

/// <summary>What a topic keeps.</summary>
public enum CleanupPolicy
{
    /// <summary>Delete whole old segments by <see cref="TopicOptions.RetentionTime"/> and <see cref="TopicOptions.RetentionBytes"/>.</summary>
    Delete,

    /// <summary>Keep at least the latest record per key (a background cleaner removes older ones), as Kafka's log compaction.</summary>
    Compact,

    /// <summary>Keep every record forever (full history, e.g. a versioned table's input).</summary>
    KeepAll,
}

/// <summary>Settings of one local topic.</summary>
public sealed record TopicOptions
{
    /// <summary>The topic name (ASCII letters, digits, '.', '_', '-').</summary>
    public required string Name { get; init; }

    /// <summary>Partitions; <see cref="BraidApplicationOptions.DefaultPartitions"/> when null.</summary>
    public int? Partitions { get; init; }

    /// <summary>What the topic keeps (default <see cref="CleanupPolicy.Delete"/> with unlimited retention).</summary>
    public CleanupPolicy Cleanup { get; init; } = CleanupPolicy.Delete;

    /// <summary>With <see cref="CleanupPolicy.Delete"/>: segments whose newest record is older than this (by record timestamp vs wall clock) are deleted. Null: no limit.</summary>
    public TimeSpan? RetentionTime { get; init; }

    /// <summary>With <see cref="CleanupPolicy.Delete"/>: oldest segments are deleted while a partition is larger. Null: no limit.</summary>
    public long? RetentionBytes { get; init; }

    /// <summary>Segment file size before a new one is started; <see cref="BraidApplicationOptions.SegmentBytes"/> when null.</summary>
    public long? SegmentBytes { get; init; }
}

/// <summary>
/// Settings of a <see cref="BraidApplication"/>. <see cref="Validate"/> (called by the application before
/// it touches the disk) throws <see cref="ConfigException"/> naming the first bad key.
/// </summary>
public sealed record BraidApplicationOptions
{
    /// <summary>Settings shared with every host (application id, deserialization handler, logging).</summary>
    public StreamsConfig Streams { get; init; } = new();

    /// <summary>Root of the state; the application uses <c>&lt;StateDirectory&gt;/&lt;ApplicationId&gt;</c>. Required.</summary>
    public string StateDirectory { get; init; } = "";

    /// <summary>Stream threads (1–256); tasks are spread over them.</summary>
    public int StreamThreads { get; init; } = 1;

    /// <summary>Exactly-once (default) or at-least-once.</summary>
    public ProcessingGuarantee ProcessingGuarantee { get; init; } = ProcessingGuarantee.ExactlyOnce;

    /// <summary>How often each stream thread commits (default 100 ms, Kafka's exactly-once default).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Process crash only (default) or also power loss (fsync per commit).</summary>
    public Durability Durability { get; init; } = Durability.ProcessCrash;

    /// <summary>Partitions of topics not listed in <see cref="Topics"/> (1–1024, default 1).</summary>
    public int DefaultPartitions { get; init; } = 1;

    /// <summary>Per-topic settings; topics not listed use the defaults.</summary>
    public IReadOnlyList<TopicOptions> Topics { get; init; } = [];

    /// <summary>Default segment file size (1 KiB–1 GiB, default 64 MiB).</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long a task waits for an empty input before processing its other inputs (Kafka's <c>max.task.idle.ms</c>, default 0).</summary>
    public TimeSpan MaxTaskIdle { get; init; } = TimeSpan.Zero;

    /// <summary>Records a task takes from one input partition per fetch (1–1,000,000, default 1,000).</summary>
    public int MaxPollRecords { get; init; } = 1000;

    /// <summary>How often the background cleaner applies retention and compaction (default 30 s).</summary>
    public TimeSpan LogCleanerInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called with a stream thread's uncaught exception; default: shut the application down.</summary>
    public Func<Exception, StreamThreadExceptionResponse>? UncaughtExceptionHandler { get; init; }

    /// <summary>
    /// With <see cref="StreamThreadExceptionResponse.ReplaceThread"/>: when the replacement fails again on the same
    /// record (same task, topic, partition and offset), the next replacement waits this long, doubling on each
    /// repeat up to <see cref="ReplaceThreadMaxBackoff"/> (default 100 ms). A first failure is replaced at once.
    /// </summary>
    public TimeSpan ReplaceThreadBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The cap of the replace-thread back-off (default 10 s).</summary>
    public TimeSpan ReplaceThreadMaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Serves diagnostics (topology, tasks, lag, counters, store lookups) on a Unix domain socket
    /// <c>diagnostics.sock</c> in the application's directory while it is open, for <c>braid ui --state-dir</c>
    /// in another process. Local only: no port is opened and the socket file is readable by its owner alone.
    /// Default true.
    /// </summary>
    public bool DiagnosticsSocket { get; init; } = true;

    /// <summary>Builds the state backend from the state directory instead of RocksDB (tests plug in other backends); null = RocksDB.</summary>
    internal Func<string, Braid.Internal.State.IStateBackend>? StateBackendFactory { get; init; }

    /// <summary>The file layer under the logs (tests swap in a fault-injecting one); null = the default.</summary>
    internal Logs.Files.LogFileSystem? LogFiles { get; init; }

    internal TopicOptions TopicOptionsFor(string topic) =>
        Topics.FirstOrDefault(t => t.Name == topic) ?? new TopicOptions { Name = topic };

    internal int PartitionsOf(string topic) => TopicOptionsFor(topic).Partitions ?? DefaultPartitions;

    /// <summary>Checks every value; throws <see cref="ConfigException"/> naming the first bad key.</summary>
    public void Validate()
    {
        if (Streams is null) throw new ConfigException(nameof(Streams), "must not be null.");
        Streams.Validate();
        // The application id names a directory under StateDirectory: "." or ".." would put the lock, topics and
        // state beside or above it (StreamsConfig allows dots, so the embedded host checks the path itself).
        if (Streams.ApplicationId is "." or "..")
            throw new ConfigException("ApplicationId", $"'{Streams.ApplicationId}' would place the application's files outside StateDirectory; use a name such as 'orders-app'.");
        if (string.IsNullOrWhiteSpace(StateDirectory)) throw new ConfigException(nameof(StateDirectory), "must be a directory path.");
        if (StateDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            throw new ConfigException(nameof(StateDirectory), $"'{StateDirectory}' is not a valid path.");
        if (StreamThreads is < 1 or > 256) throw new ConfigException(nameof(StreamThreads), $"must be between 1 and 256 (got {StreamThreads}).");
        if (!Enum.IsDefined(ProcessingGuarantee)) throw new ConfigException(nameof(ProcessingGuarantee), $"unknown value {(int)ProcessingGuarantee}.");
        if (!Enum.IsDefined(Durability)) throw new ConfigException(nameof(Durability), $"unknown value {(int)Durability}.");
        if (CommitInterval < TimeSpan.Zero || CommitInterval > TimeSpan.FromHours(1))
            throw new ConfigException(nameof(CommitInterval), $"must be between 0 and 1 hour (got {CommitInterval}).");
        if (DefaultPartitions is < 1 or > 1024) throw new ConfigException(nameof(DefaultPartitions), $"must be between 1 and 1024 (got {DefaultPartitions}).");
        if (SegmentBytes is < 1024 or > 1L << 30) throw new ConfigException(nameof(SegmentBytes), $"must be between 1 KiB and 1 GiB (got {SegmentBytes}).");
        if (MaxTaskIdle < TimeSpan.Zero) throw new ConfigException(nameof(MaxTaskIdle), "must not be negative.");
        if (ReplaceThreadBackoff < TimeSpan.Zero) throw new ConfigException(nameof(ReplaceThreadBackoff), "must not be negative.");
        if (ReplaceThreadMaxBackoff < ReplaceThreadBackoff)
            throw new ConfigException(nameof(ReplaceThreadMaxBackoff), $"must be at least ReplaceThreadBackoff ({ReplaceThreadBackoff}).");
        if (MaxPollRecords is < 1 or > 1_000_000) throw new ConfigException(nameof(MaxPollRecords), $"must be between 1 and 1,000,000 (got {MaxPollRecords}).");
        if (LogCleanerInterval <= TimeSpan.Zero) throw new ConfigException(nameof(LogCleanerInterval), "must be positive.");
        if (Topics is null) throw new ConfigException(nameof(Topics), "must not be null.");
        var seen = new HashSet<string>();
        foreach (var t in Topics)
        {
            string key = $"{nameof(Topics)}[{t?.Name}]";
            if (t is null) throw new ConfigException(nameof(Topics), "must not contain null.");
            ValidateTopicName(t.Name, key + "." + nameof(TopicOptions.Name));
            if (!seen.Add(t.Name)) throw new ConfigException(key, "is listed twice.");
            if (t.Partitions is < 1 or > 1024) throw new ConfigException(key + "." + nameof(TopicOptions.Partitions), $"must be between 1 and 1024 (got {t.Partitions}).");
            if (!Enum.IsDefined(t.Cleanup)) throw new ConfigException(key + "." + nameof(TopicOptions.Cleanup), $"unknown value {(int)t.Cleanup}.");
            if (t.RetentionTime <= TimeSpan.Zero) throw new ConfigException(key + "." + nameof(TopicOptions.RetentionTime), "must be positive.");
            if (t.RetentionBytes <= 0) throw new ConfigException(key + "." + nameof(TopicOptions.RetentionBytes), "must be positive.");
            if (t.SegmentBytes is < 1024 or > 1L << 30) throw new ConfigException(key + "." + nameof(TopicOptions.SegmentBytes), "must be between 1 KiB and 1 GiB.");
            if (t.Cleanup != CleanupPolicy.Delete && (t.RetentionTime is not null || t.RetentionBytes is not null))
                throw new ConfigException(key + "." + nameof(TopicOptions.Cleanup), "retention limits apply only to the Delete policy.");
        }
    }

    internal static void ValidateTopicName(string? name, string key)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 249 || name is "." or ".." || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new ConfigException(key, $"'{name}' is not a valid topic name (1–249 of ASCII letters, digits, '.', '_', '-').");
    }
}
