using System.Data;
using System.Text.Json.Nodes;
using Npgsql;
using Npgsql.Replication;

namespace Braid.Postgres.Internal;

/// <summary>
/// The initial consistent snapshot: creates the slot with an exported snapshot, reads the table inside
/// that snapshot (<c>SET TRANSACTION SNAPSHOT</c>), so the rows are exactly the table as of the slot's
/// consistent point and streaming from the slot continues with the first later transaction.
/// Rows are read as <c>col::text</c>, the same text pgoutput sends, so both go through <see cref="PgText"/>.
/// Restarting an unfinished snapshot (no <see cref="SnapshotMarker"/>) drops the slot, takes a new one and
/// appends a delete for every key the unfinished attempt left live that the new snapshot does not have.
/// </summary>
internal static class SnapshotCopy
{
    private const int BatchSize = 2000;

    /// <summary>Test hook (crash tests aim kills between snapshot batches): called after each batch is appended, with the rows so far.</summary>
    internal static Action<long>? OnBatchAppended { get; set; }

    public static async Task<long> RunAsync(LogicalReplicationConnection repl, string connectionString, string slot,
        PgTableInfo table, IChangeEncoder encoder, ChangeLog log, SnapshotMarker marker, CancellationToken ct)
    {
        var created = await repl.CreatePgOutputReplicationSlot(slot, temporarySlot: false, LogicalSlotSnapshotInitMode.Export, cancellationToken: ct);
        var stale = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var k in log.LiveKeys) stale[Convert.ToHexString(k)] = k;
        long seq = 0;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await using (var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{created.SnapshotName}'", conn, tx))
                await set.ExecuteNonQueryAsync(ct);
            long snapshotMs;
            await using (var now = new NpgsqlCommand("SELECT (extract(epoch FROM now()) * 1000)::bigint", conn, tx))
                snapshotMs = (long)(await now.ExecuteScalarAsync(ct))!;
            string columns = string.Join(", ", table.Columns.Select(c => TableName.Quote(c.Name) + "::text"));
            await using var select = new NpgsqlCommand($"SELECT {columns} FROM {table.Table.Quoted}", conn, tx);
            await using var reader = await select.ExecuteReaderAsync(ct);
            var batch = new List<PgChange>(BatchSize);
            while (await reader.ReadAsync(ct))
            {
                var row = new JsonObject();
                for (int i = 0; i < table.Columns.Count; i++)
                    row[table.Columns[i].Name] = reader.IsDBNull(i) ? null : PgText.ToJson(reader.GetString(i), table.Columns[i].TypeOid);
                var change = encoder.Encode(row, 'r', 0, seq++, snapshotMs, null, snapshot: true);
                stale.Remove(Convert.ToHexString(change.Key));
                batch.Add(change);
                if (batch.Count == BatchSize)
                {
                    log.Append(batch, dedup: false);
                    batch.Clear();
                    OnBatchAppended?.Invoke(seq);
                }
            }
            foreach (var key in stale.Values)
                batch.Add(encoder.EncodeDelete(key, 0, seq++, snapshotMs, null));
            log.Append(batch, dedup: false);
        }
        // Only now is the whole snapshot in the topic; from here a restart streams instead of re-copying.
        marker.Write(created.ConsistentPoint.ToString());
        return seq;
    }
}
