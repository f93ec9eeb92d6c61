using Braid.Embedded;
using Braid.Postgres.Internal;
using Npgsql;
using Npgsql.Replication;

namespace Braid.Postgres;

/// <summary>
/// A running copy of one PostgreSQL table into an embedded topic (see <see cref="PostgresTableSource{TKey,TValue}"/>).
/// Stops when disposed; the slot keeps the position, so the next start resumes exactly where this one stopped.
/// </summary>
public sealed class PostgresReplication : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly LogicalReplicationConnection _connection;
    private readonly ReplicationStream _stream;
    private readonly string _connectionString;
    private Task _loop = Task.CompletedTask;

    private PostgresReplication(LogicalReplicationConnection connection, ReplicationStream stream, string connectionString, long snapshotRows)
    {
        _connection = connection;
        _stream = stream;
        _connectionString = connectionString;
        SnapshotRows = snapshotRows;
    }

    /// <summary>Rows (and stale-key deletes) appended by the initial snapshot in this start; 0 when streaming resumed.</summary>
    public long SnapshotRows { get; }

    /// <summary>Changes appended by streaming since this start (after deduplication).</summary>
    public long StreamedChanges => _stream.Appended;

    /// <summary>Ends when streaming stops: normally after <see cref="DisposeAsync"/>, faulted with the error otherwise.</summary>
    public Task Completion => _loop;

    /// <summary>
    /// Waits until every transaction committed in PostgreSQL before this call is in the topic: emits a
    /// transactional logical-decoding message and waits for the replication stream to pass its commit.
    /// Then <see cref="BraidApplication.WaitForIdleAsync"/> makes the table reflect it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when caught up, or faults if streaming failed.</returns>
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        string token = Guid.NewGuid().ToString("N");
        var reached = _stream.WaitForSync(token);
        await using (var conn = new NpgsqlConnection(_connectionString))
        {
            await conn.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand("SELECT pg_logical_emit_message(true, $1, $2)", conn);
            cmd.Parameters.AddWithValue(ReplicationStream.SyncPrefix);
            cmd.Parameters.AddWithValue(token);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        var done = await Task.WhenAny(reached, _loop.IsCompleted ? _loop : Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default), _loop);
        if (done != reached)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _loop;
            throw new InvalidOperationException("PostgreSQL replication stopped before catching up.");
        }
        await reached;
    }

    /// <summary>Stops streaming and closes the replication connection.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (PostgresException)
        {
        }
        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    internal static async Task<PostgresReplication> StartAsync(BraidApplication app, string connectionString, string publication, string slot,
        TableName tableName, string topic, Func<PgTableInfo, string, IChangeEncoder> encoderFactory, CancellationToken ct)
    {
        PgTableInfo table;
        PgSlotState slotState;
        string database;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            database = conn.Database;
            table = await PgCatalog.InspectAsync(conn, tableName, publication, ct);
            slotState = await PgCatalog.SlotAsync(conn, slot, ct);
        }
        var marker = new SnapshotMarker(app.AppDirectory, slot);
        if (slotState.Active)
            throw new PostgresSourceException(PostgresProblem.SlotInUse, $"Replication slot '{slot}' is in use by another connection (another instance of this application?).");
        if (marker.Exists && (!slotState.Exists || slotState.Lost))
            throw new PostgresSourceException(PostgresProblem.LostSlot,
                $"Replication slot '{slot}' {(slotState.Exists ? "was invalidated (wal_status = lost, see max_slot_wal_keep_size)" : "no longer exists")}, so the changes since the local copy's last position are gone. " +
                $"To start over, drop the slot if it exists (SELECT pg_drop_replication_slot('{slot}')) and delete the application's state directory ({app.AppDirectory}): the next start takes a new snapshot.");
        if (slotState.Exists && slotState.Plugin != "pgoutput")
            throw new PostgresSourceException(PostgresProblem.SlotInUse, $"Replication slot '{slot}' uses the plugin '{slotState.Plugin}', not pgoutput; choose another slot name.");
        var log = new ChangeLog(app, topic);
        var encoder = encoderFactory(table, database);
        var repl = new LogicalReplicationConnection(connectionString);
        try
        {
            await repl.Open(ct);
            long snapshotRows = 0;
            if (!marker.Exists)
            {
                // No complete snapshot yet: a slot left by an unfinished attempt cannot give a consistent one again.
                if (slotState.Exists) await repl.DropReplicationSlot(slot, wait: true, ct);
                snapshotRows = await SnapshotCopy.RunAsync(repl, connectionString, slot, table, encoder, log, marker, ct);
            }
            var stream = new ReplicationStream(table, encoder, log, publication);
            var replication = new PostgresReplication(repl, stream, connectionString, snapshotRows);
            replication._loop = Task.Run(async () =>
            {
                try
                {
                    await stream.RunAsync(repl, slot, replication._stop.Token);
                }
                catch (Exception e) when (!replication._stop.IsCancellationRequested)
                {
                    stream.FailSyncs(e);
                    throw;
                }
            }, CancellationToken.None);
            return replication;
        }
        catch
        {
            await repl.DisposeAsync();
            throw;
        }
    }
}
