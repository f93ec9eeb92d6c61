namespace Braid.Embedded.Logs;

/// <summary>
/// What recovery knows about a partition before it opens the files, from the state committed with the
/// last commit: where the log may be cut and how long it must at least be.
/// </summary>
/// <param name="TruncateTo">Cut records from this offset on (the committed high-water mark of a log the
/// application writes under exactly-once: what lies beyond was appended by a commit that never happened).
/// Null: keep every whole record (only a torn tail is cut).</param>
/// <param name="RequiredEnd">The log must reach at least this offset after recovery: the committed
/// high-water mark, or the largest committed input offset of a task that reads it. A log ending below it
/// lost committed records (truncated file, lost write, bit rot), and new records would reuse offsets a
/// task already passed, so opening fails instead.</param>
/// <param name="Contiguous">The offsets of consecutive segments must meet (a gap is a lost segment). True for
/// every topic the application opens: compaction leaves gaps inside segments only, since each segment keeps its
/// last record (LogCleaner.Rewrite).</param>
/// <param name="StartsAtZero">True when no retention can delete old segments: the first segment must start
/// at offset 0 (a missing first segment is a lost segment).</param>
/// <param name="PowerLossTail">PowerLoss durability: what lies past everything fsynced may be torn anywhere, even
/// across segments, and is cut (see <c>PartitionLog.CutPowerLossTail</c>).</param>
internal readonly record struct LogRecoveryRule(long? TruncateTo, long RequiredEnd, bool Contiguous, bool StartsAtZero, bool PowerLossTail = false)
{
    /// <summary>Keep every whole record, require nothing (tests, legacy callers).</summary>
    public static LogRecoveryRule KeepAll => new(null, 0, false, false);

    /// <summary>The rule of the original two-argument open: cut back to <paramref name="committedEnd"/> when given.</summary>
    public static LogRecoveryRule For(long? committedEnd) => new(committedEnd, committedEnd ?? 0, false, false);
}
