using Npgsql;

namespace Braid.Postgres.Internal;

/// <summary>A column of the copied table.</summary>
internal sealed record PgColumn(string Name, uint TypeOid);

/// <summary>What the source needs to know about the table: its columns and which of them key it.</summary>
internal sealed record PgTableInfo(TableName Table, IReadOnlyList<PgColumn> Columns, IReadOnlyList<string> KeyColumns);

/// <summary>The state of the replication slot, read from <c>pg_replication_slots</c>.</summary>
internal sealed record PgSlotState(bool Exists, bool Active, bool Lost, string? Plugin);

/// <summary>
/// Checks the server before anything is written, so each misconfiguration fails with a
/// <see cref="PostgresSourceException"/> that names it and says how to fix it.
/// </summary>
internal static class PgCatalog
{
    public static async Task<PgTableInfo> InspectAsync(NpgsqlConnection conn, TableName table, string publication, CancellationToken ct)
    {
        string walLevel = (string)(await Scalar(conn, "SHOW wal_level", ct))!;
        if (walLevel != "logical")
            throw new PostgresSourceException(PostgresProblem.WalLevelNotLogical,
                $"wal_level is '{walLevel}' on the server; logical replication needs 'logical'. Run ALTER SYSTEM SET wal_level = logical and restart PostgreSQL.");
        var relident = await Scalar(conn,
            "SELECT c.relreplident::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p')",
            ct, table.Schema, table.Name);
        if (relident is not string identity)
            throw new PostgresSourceException(PostgresProblem.MissingTable, $"Table {table} does not exist (or is not a table) in this database.");
        if (await Scalar(conn, "SELECT 1 FROM pg_publication WHERE pubname = $1", ct, publication) is null)
            throw new PostgresSourceException(PostgresProblem.MissingPublication,
                $"Publication '{publication}' does not exist. Create it: CREATE PUBLICATION {TableName.Quote(publication)} FOR TABLE {table.Quoted};");
        if (await Scalar(conn, "SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3", ct, publication, table.Schema, table.Name) is null)
            throw new PostgresSourceException(PostgresProblem.MissingPublication,
                $"Publication '{publication}' does not publish {table}. Add it: ALTER PUBLICATION {TableName.Quote(publication)} ADD TABLE {table.Quoted};");
        if (identity == "n")
            throw new PostgresSourceException(PostgresProblem.MissingReplicaIdentity,
                $"Table {table} has REPLICA IDENTITY NOTHING, so PostgreSQL cannot say which row an UPDATE or DELETE changed. Run ALTER TABLE {table.Quoted} REPLICA IDENTITY DEFAULT (with a primary key).");
        var columns = new List<PgColumn>();
        var keys = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT a.attname, a.atttypid,
                   COALESCE((SELECT true FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)), false),
                   COALESCE((SELECT true FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisreplident AND a.attnum = ANY(i.indkey)), false)
            FROM pg_attribute a
            WHERE a.attrelid = ($1 || '.' || $2)::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, conn))
        {
            cmd.Parameters.AddWithValue(TableName.Quote(table.Schema));
            cmd.Parameters.AddWithValue(TableName.Quote(table.Name));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var replIdent = new List<string>();
            while (await r.ReadAsync(ct))
            {
                columns.Add(new PgColumn(r.GetString(0), r.GetFieldValue<uint>(1)));
                if (r.GetBoolean(2)) keys.Add(r.GetString(0));
                if (r.GetBoolean(3)) replIdent.Add(r.GetString(0));
            }
            if (identity == "i") keys = replIdent;
        }
        if (keys.Count == 0)
            throw new PostgresSourceException(PostgresProblem.MissingReplicaIdentity,
                $"Table {table} has no primary key (replica identity '{identity}'), so its rows have no key for the Braid table. Add one (ALTER TABLE {table.Quoted} ADD PRIMARY KEY (…)) or set REPLICA IDENTITY USING INDEX on a unique index of NOT NULL columns.");
        return new PgTableInfo(table, columns, keys);
    }

    public static async Task<PgSlotState> SlotAsync(NpgsqlConnection conn, string slot, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT active, wal_status, plugin FROM pg_replication_slots WHERE slot_name = $1", conn);
        cmd.Parameters.AddWithValue(slot);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new PgSlotState(false, false, false, null);
        return new PgSlotState(true, r.GetBoolean(0), !r.IsDBNull(1) && r.GetString(1) == "lost", r.IsDBNull(2) ? null : r.GetString(2));
    }

    private static async Task<object?> Scalar(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is DBNull ? null : v;
    }
}
