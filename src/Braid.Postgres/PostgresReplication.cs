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
    private readonly ReplicationStream _stream;
    private readonly ReplicationSettings _settings;
    private LogicalReplicationConnection _connection;
    private Task _loop = Task.CompletedTask;
    private Task _heartbeat = Task.CompletedTask;
    private int _reconnects;
    private long _heartbeats;

    private PostgresReplication(LogicalReplicationConnection connection, ReplicationStream stream, ReplicationSettings settings, long snapshotRows)
    {
        _connection = connection;
        _stream = stream;
        _settings = settings;
        SnapshotRows = snapshotRows;
    }

    /// <summary>Rows (and stale-key deletes) appended by the initial snapshot in this start; 0 when streaming resumed.</summary>
    public long SnapshotRows { get; }

    /// <summary>Changes appended by streaming since this start (after deduplication).</summary>
    public long StreamedChanges => _stream.Appended;

    /// <summary>Times streaming reconnected after a lost connection (see <see cref="PostgresReconnect"/>).</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Heartbeat messages written into the WAL while the table was idle (see <see cref="PostgresTableOptions{TKey,TValue}.HeartbeatInterval"/>).</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

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
        await using (var conn = new NpgsqlConnection(_settings.ConnectionString))
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
        catch (Exception)
        {
            // Stopping reports nothing: a streaming error is what Completion already holds.
        }
        try
        {
            await _heartbeat;
        }
        catch (OperationCanceledException)
        {
        }
        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    internal static async Task<PostgresReplication> StartAsync(BraidApplication app, ReplicationSettings settings,
        TableName tableName, string topic, Func<PgTableInfo, string, IChangeEncoder> encoderFactory, CancellationToken ct)
    {
        string connectionString = settings.ConnectionString, publication = settings.Publication, slot = settings.Slot;
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
            throw ConnectionErrors.LostSlot(slot, slotState.Exists, app.AppDirectory);
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
            var stream = new ReplicationStream(table, encoder, log, publication, settings.Time);
            var replication = new PostgresReplication(repl, stream, settings with { AppDirectory = app.AppDirectory }, snapshotRows);
            replication._loop = Task.Run(replication.StreamAsync, CancellationToken.None);
            if (settings.HeartbeatInterval is { } every) replication._heartbeat = Task.Run(() => replication.HeartbeatAsync(every), CancellationToken.None);
            return replication;
        }
        catch
        {
            await repl.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Streams until stopped; a transient connection error reconnects to the same slot after a back-off
    /// (<see cref="PostgresReconnect"/>). A reconnect is safe at any point: the slot resends every transaction
    /// whose end was not acknowledged, a transaction cut off mid-way is discarded at its next BEGIN, and
    /// <see cref="ChangeLog"/> skips changes already appended.
    /// </summary>
    private async Task StreamAsync()
    {
        var ct = _stop.Token;
        int failures = 0;
        while (true)
        {
            Exception error;
            long commitsBefore = _stream.Commits;
            try
            {
                await _stream.RunAsync(_connection, _settings.Slot, ct);
                if (ct.IsCancellationRequested) return;
                error = new EndOfStreamException("the server ended the replication stream.");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                error = ConnectionErrors.IsLostSlot(e) ? ConnectionErrors.LostSlot(_settings.Slot, exists: false, _settings.AppDirectory, e) : e;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (_stream.Commits > commitsBefore) failures = 0;
            while (true)
            {
                if (!ConnectionErrors.IsTransient(error) || _settings.Reconnect.MaxAttempts is { } max && failures >= max)
                {
                    _stream.FailSyncs(error);
                    throw error;
                }
                failures++;
                await _connection.DisposeAsync();
                await Task.Delay(_settings.Reconnect.Backoff(failures), _settings.Time, ct);
                try
                {
                    var next = new LogicalReplicationConnection(_settings.ConnectionString);
                    _connection = next;
                    await next.Open(ct);
                    Interlocked.Increment(ref _reconnects);
                    break;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    error = e;
                }
            }
        }
    }

    /// <summary>
    /// Writes a transactional logical-decoding message when no transaction has streamed for <paramref name="every"/>;
    /// it streams back like any transaction and its COMMIT is acknowledged, moving the slot forward. Failures are
    /// ignored here: a broken connection is the streaming loop's to report.
    /// </summary>
    private async Task HeartbeatAsync(TimeSpan every)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, _settings.Time, ct);
            if (_settings.Time.GetElapsedTime(_stream.LastCommitTimestamp) < every) continue;
            try
            {
                await using var conn = new NpgsqlConnection(_settings.ConnectionString);
                await conn.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand("SELECT pg_logical_emit_message(true, $1, '')", conn);
                cmd.Parameters.AddWithValue(ReplicationStream.HeartbeatPrefix);
                await cmd.ExecuteNonQueryAsync(ct);
                Interlocked.Increment(ref _heartbeats);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is NpgsqlException or IOException or TimeoutException)
            {
                // The database is unreachable: streaming reconnects (or fails) on its own.
            }
        }
    }
}
