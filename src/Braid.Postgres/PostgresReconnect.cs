namespace Braid.Postgres;

/// <summary>
/// How a <see cref="PostgresReplication"/> survives a lost connection (a server restart, a fail-over, a
/// network cut, <c>pg_terminate_backend</c> of its WAL sender): it reconnects to the same slot, waiting
/// <see cref="InitialBackoff"/>, then twice as long each time up to <see cref="MaxBackoff"/>. Nothing is lost
/// or repeated across a reconnect: the slot resends every transaction not acknowledged, and the local copy
/// skips what it already appended (see docs/databases.md). Problems a reconnect cannot fix (a lost slot, a
/// change that cannot be applied, missing privileges) end <see cref="PostgresReplication.Completion"/> at once.
/// </summary>
public sealed record PostgresReconnect
{
    /// <summary>Never reconnect: the first connection error ends <see cref="PostgresReplication.Completion"/>.</summary>
    public static PostgresReconnect Never { get; } = new() { MaxAttempts = 0 };

    /// <summary>The wait before the first reconnect attempt (default 200 ms).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed attempts in a row after which streaming stops with the last error; null (the default) retries for
    /// as long as the replication runs. The count starts again once a transaction streams after a reconnect.
    /// </summary>
    public int? MaxAttempts { get; init; }

    internal TimeSpan Backoff(int attempt)
    {
        double ms = InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxBackoff.TotalMilliseconds));
    }

    internal void Validate()
    {
        if (InitialBackoff <= TimeSpan.Zero) throw new ConfigException($"{nameof(PostgresReconnect)}.{nameof(InitialBackoff)}", "must be positive");
        if (MaxBackoff < InitialBackoff) throw new ConfigException($"{nameof(PostgresReconnect)}.{nameof(MaxBackoff)}", "must be at least InitialBackoff");
        if (MaxAttempts is < 0) throw new ConfigException($"{nameof(PostgresReconnect)}.{nameof(MaxAttempts)}", "must not be negative");
    }
}
