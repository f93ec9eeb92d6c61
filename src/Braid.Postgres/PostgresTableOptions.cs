using System.Text.Json;
using Braid.Cdc;
using Braid.Serialization;

namespace Braid.Postgres;

/// <summary>Which PostgreSQL table to copy, through which publication and slot, into which topic and table.</summary>
/// <typeparam name="TKey">The primary-key type: a scalar for a one-column key, a record for a composite key.</typeparam>
/// <typeparam name="TValue">The row type, deserialized from the row's JSON form (column names as property names).</typeparam>
public sealed record PostgresTableOptions<TKey, TValue>
{
    /// <summary>Npgsql connection string (the user needs the REPLICATION attribute, or to be superuser, and SELECT on the table).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The table, <c>schema.table</c> or <c>table</c> (schema <c>public</c>).</summary>
    public required string Table { get; init; }

    /// <summary>The publication that publishes the table (<c>CREATE PUBLICATION … FOR TABLE …</c>); it must exist.</summary>
    public required string Publication { get; init; }

    /// <summary>The logical replication slot this source owns; created on first start. Default <c>braid_&lt;schema&gt;_&lt;table&gt;</c>.</summary>
    public string? Slot { get; init; }

    /// <summary>The embedded topic the changes are appended to; default <c>postgres.&lt;schema&gt;.&lt;table&gt;</c>.</summary>
    public string? Topic { get; init; }

    /// <summary>How keys are written to the topic and the table's store; the type's default serde when null
    /// (use the same serde as the streams you join, so equal keys land in equal partitions).</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>JSON options turning rows and keys into <typeparamref name="TKey"/>/<typeparamref name="TValue"/>; <see cref="DebeziumSerdes.DefaultJsonOptions"/> when null.</summary>
    public JsonSerializerOptions? JsonOptions { get; init; }

    /// <summary>Which time stamps each table update: the transaction's commit time by default (snapshot rows: the snapshot's time).</summary>
    public ChangeTimestamp Timestamp { get; init; } = ChangeTimestamp.SourceCommit;

    /// <summary>Store name and serdes of the table; default store <c>&lt;topic&gt;-table</c>.</summary>
    public Materialized<TKey, TValue>? Materialized { get; init; }

    /// <summary>Clock for the envelopes' connector time (<c>ts_ms</c>), reconnect back-off and heartbeats; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>How streaming survives a lost connection: reconnects to the slot with exponential back-off by default
    /// (<see cref="PostgresReconnect.Never"/> to stop at the first error instead).</summary>
    public PostgresReconnect Reconnect { get; init; } = new();

    /// <summary>
    /// While the table receives no changes, every this often the source writes a tiny transactional message into the
    /// WAL (<c>pg_logical_emit_message</c>) and acknowledges it when it streams back, so the slot's confirmed
    /// position keeps moving and PostgreSQL can recycle the WAL that other tables' traffic writes (a slot that is never
    /// acknowledged holds all WAL since its position — Debezium's heartbeat solves the same problem). Default 1 minute;
    /// null turns it off.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; init; } = TimeSpan.FromMinutes(1);
}
