namespace Braid.Embedded.Runtime;

/// <summary>
/// The embedded runtime's failpoints (<see cref="Braid.Internal.Faults.Failpoints"/>), one per step of
/// commit and recovery where a crash or an I/O error must leave nothing lost and nothing twice.
/// <c>tests/Braid.CrashTests --failpoints</c> arms each in turn and checks exactly that.
/// </summary>
internal static class EmbeddedFailpoints
{
    /// <summary>Commit: the tasks' output is appended to the logs, not yet fsynced, state not written.</summary>
    public const string CommitAfterOutputAppend = "embedded.commit.after-output-append";

    /// <summary>Commit: output appended (and fsynced under PowerLoss); the atomic state batch is next.</summary>
    public const string CommitBeforeStateBatch = "embedded.commit.before-state-batch";

    /// <summary>Commit: the state batch (state, offsets, high-water marks) is written; high-water marks not yet published.</summary>
    public const string CommitAfterStateBatch = "embedded.commit.after-state-batch";

    /// <summary>Commit: high-water marks published, readers may see the output.</summary>
    public const string CommitAfterPublish = "embedded.commit.after-publish";

    /// <summary>At-least-once: a batch's output is appended and about to become visible before its commit.</summary>
    public const string FlushAfterOutputAppend = "embedded.flush.after-output-append";

    /// <summary>Producer: a record is appended to an input log, not yet visible.</summary>
    public const string ProducerAfterAppend = "embedded.producer.after-append";

    /// <summary>Recovery: a log is being cut back to its committed end (segments removed, tail not yet cut).</summary>
    public const string RecoveryMidTruncation = "embedded.recovery.mid-truncation";

    /// <summary>Start-up: logs are recovered; the state of the tasks is not restored yet.</summary>
    public const string StartAfterLogsOpened = "embedded.start.after-logs-opened";

    /// <summary>Start-up: between restoring one task and the next.</summary>
    public const string StartBetweenTaskRestores = "embedded.start.between-task-restores";

    /// <summary>Inbox: a batch file is renamed to record where its records start; none appended yet.</summary>
    public const string InboxAfterRename = "embedded.inbox.after-rename";

    /// <summary>Inbox: a batch's records are appended (and fsynced under PowerLoss); the file is not deleted yet.</summary>
    public const string InboxAfterAppend = "embedded.inbox.after-append";

    /// <summary>Log cleaner: a compacted copy is renamed over its segment; the directory is not fsynced yet.</summary>
    public const string CleanerAfterRename = "embedded.cleaner.after-rename";

    /// <summary>The inbox's failpoints (reached only while another process produces through the inbox).</summary>
    public static readonly IReadOnlyList<string> Inbox = [InboxAfterRename, InboxAfterAppend];

    /// <summary>Every failpoint above except the inbox's (the crash harness arms them in this order, cycling).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        // A crash after appending output leaves a tail the next start-up cuts: the truncation failpoint follows it.
        CommitAfterOutputAppend, RecoveryMidTruncation, CommitBeforeStateBatch, CommitAfterStateBatch, CommitAfterPublish,
        FlushAfterOutputAppend, ProducerAfterAppend, StartAfterLogsOpened, StartBetweenTaskRestores,
    ];
}
