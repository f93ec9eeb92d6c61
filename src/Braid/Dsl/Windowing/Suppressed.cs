namespace Braid;

/// <summary>
/// How <c>KTable.Suppress</c> holds back updates, as Kafka's <c>Suppressed</c>: until a window closes
/// (final results only), or until a time limit has passed since a key's first held update.
/// </summary>
public sealed record Suppressed
{
    private Suppressed(BufferConfig buffer) => Buffer = buffer;

    /// <summary>True for <see cref="UntilWindowCloses"/>.</summary>
    public bool IsUntilWindowCloses { get; private init; }

    /// <summary>For <see cref="UntilTimeLimit"/>: how long a key's first held update waits, in ms.</summary>
    public long TimeLimitMs { get; private init; }

    /// <summary>The buffer bounds.</summary>
    public BufferConfig Buffer { get; }

    /// <summary>The processor name; generated (KTABLE-SUPPRESS-…) when null. The store is <c>{Name}-store</c>.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Emit only the final result of each window of a windowed table, once stream time passes the window's
    /// end plus the aggregation's grace period. Tombstones of windows that never closed are not emitted.
    /// </summary>
    /// <param name="buffer">The buffer bounds; a bound must be strict (<see cref="BufferConfig.ShutDownWhenFull"/>).</param>
    /// <returns>The suppression.</returns>
    public static Suppressed UntilWindowCloses(BufferConfig buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!buffer.IsStrict)
            throw new ArgumentException("Suppressed.UntilWindowCloses needs a strict buffer (BufferConfig.Unbounded() or .ShutDownWhenFull()): emitting early would emit non-final results.", nameof(buffer));
        return new Suppressed(buffer) { IsUntilWindowCloses = true };
    }

    /// <summary>Emit a key's latest value once <paramref name="timeToWaitForMoreEvents"/> of stream time has passed since its first held update.</summary>
    /// <param name="timeToWaitForMoreEvents">How long to wait (not negative, whole ms).</param>
    /// <param name="buffer">The buffer bounds.</param>
    /// <returns>The suppression.</returns>
    public static Suppressed UntilTimeLimit(TimeSpan timeToWaitForMoreEvents, BufferConfig buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return new Suppressed(buffer) { TimeLimitMs = WindowMs.NonNegative(nameof(Suppressed), timeToWaitForMoreEvents, "the time limit") };
    }
}

/// <summary>Bounds of a suppression buffer and what happens when they are reached.</summary>
public sealed record BufferConfig
{
    private BufferConfig(long? maxRecords, bool strict)
    {
        MaxRecords = maxRecords;
        IsStrict = strict;
    }

    /// <summary>The most keys held at once; null for unbounded.</summary>
    public long? MaxRecords { get; }

    /// <summary>True when a full buffer stops the task rather than emitting early.</summary>
    public bool IsStrict { get; }

    /// <summary>No bound: hold as many keys as needed (memory grows with the number of open windows).</summary>
    /// <returns>The configuration.</returns>
    public static BufferConfig Unbounded() => new(null, true);

    /// <summary>At most <paramref name="maxRecords"/> keys; when full, the oldest key is emitted early.</summary>
    /// <param name="maxRecords">The bound (positive).</param>
    /// <returns>The configuration.</returns>
    public static BufferConfig MaxRecordsEmitEarlyWhenFull(long maxRecords) => new(Check(maxRecords), false);

    /// <summary>At most <paramref name="maxRecords"/> keys; a full buffer is an error (<see cref="StreamsException"/>).</summary>
    /// <param name="maxRecords">The bound (positive).</param>
    /// <returns>The configuration.</returns>
    public static BufferConfig ShutDownWhenFull(long maxRecords) => new(Check(maxRecords), true);

    private static long Check(long maxRecords) =>
        maxRecords > 0 ? maxRecords : throw new ArgumentOutOfRangeException(nameof(maxRecords), maxRecords, "BufferConfig: the record bound must be positive.");
}
