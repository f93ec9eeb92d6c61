namespace Braid.Postgres;

/// <summary>What is wrong with the PostgreSQL side of a <see cref="PostgresTableSource{TKey,TValue}"/>.</summary>
public enum PostgresProblem
{
    /// <summary><c>wal_level</c> is not <c>logical</c>.</summary>
    WalLevelNotLogical,

    /// <summary>The table does not exist.</summary>
    MissingTable,

    /// <summary>The publication does not exist or does not publish the table.</summary>
    MissingPublication,

    /// <summary>The table has no primary key (or replica-identity index) to key the Braid table by, or <c>REPLICA IDENTITY NOTHING</c>.</summary>
    MissingReplicaIdentity,

    /// <summary>The replication slot the local copy was following is gone (dropped, or invalidated by <c>max_slot_wal_keep_size</c>).</summary>
    LostSlot,

    /// <summary>The replication slot is used by another connection.</summary>
    SlotInUse,

    /// <summary>A change cannot be applied faithfully (e.g. an unchanged TOAST value without the old row).</summary>
    UnsupportedChange,
}

/// <summary>The PostgreSQL source cannot go on; the message says what is wrong and what to do.</summary>
public sealed class PostgresSourceException : StreamsException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What kind of problem.</param>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="inner">The cause, if any.</param>
    public PostgresSourceException(PostgresProblem problem, string message, Exception? inner = null) : base(message, inner) => Problem = problem;

    /// <summary>What kind of problem.</summary>
    public PostgresProblem Problem { get; }
}
