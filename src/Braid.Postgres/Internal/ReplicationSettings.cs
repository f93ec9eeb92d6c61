namespace Braid.Postgres.Internal;

/// <summary>What a running replication needs besides its table and log: where to connect, which slot, how to recover.</summary>
internal sealed record ReplicationSettings(string ConnectionString, string Publication, string Slot, PostgresReconnect Reconnect,
    TimeSpan? HeartbeatInterval, TimeProvider Time)
{
    /// <summary>The application's directory, named in lost-slot errors.</summary>
    public string AppDirectory { get; init; } = "";
}
