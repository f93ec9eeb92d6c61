using System.Text.Json;
using System.Text.Json.Nodes;
using Braid.Serialization;

namespace Braid.Postgres.Internal;

/// <summary>One row change ready to append: key bytes, the Debezium envelope, and its replication position.</summary>
/// <param name="Key">The serialized primary key.</param>
/// <param name="Envelope">The schema-less Debezium envelope.</param>
/// <param name="Timestamp">The record timestamp (commit time, or the snapshot's time).</param>
/// <param name="Op">c, u, d or r.</param>
/// <param name="Lsn">The transaction's commit LSN (0 for snapshot rows).</param>
/// <param name="Seq">Position inside the transaction: message index in the high 32 bits, sub-change in the low.</param>
internal sealed record PgChange(byte[] Key, byte[] Envelope, long Timestamp, char Op, ulong Lsn, long Seq);

/// <summary>
/// Turns a row (as JSON, column name → value) into a <see cref="PgChange"/>: the key columns become
/// the key type (the only column for a one-column key, an object otherwise) serialized by the
/// user's key serde with the topic's key context, and the row goes into a Debezium envelope (<c>before</c> is always null: the table
/// does not need it, and a key-only old row would not fit a row type with non-nullable columns).
/// </summary>
internal interface IChangeEncoder
{
    PgChange Encode(JsonObject row, char op, ulong lsn, long seq, long commitMs, uint? xid, bool snapshot);

    PgChange EncodeDelete(byte[] key, ulong lsn, long seq, long commitMs, uint? xid);

    byte[] KeyOf(JsonObject row);
}

/// <summary>The encoder for a key type.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
internal sealed class ChangeEncoder<TKey>(PgTableInfo table, Serde<TKey> keySerde, JsonSerializerOptions json, TimeProvider clock, string database, string topic) : IChangeEncoder
{
    public PgChange Encode(JsonObject row, char op, ulong lsn, long seq, long commitMs, uint? xid, bool snapshot) =>
        new(KeyOf(row), Envelope(op == 'd' ? null : row, op, lsn, commitMs, xid, snapshot), commitMs, op, lsn, seq);

    /// <summary>A delete of a key known only by its bytes (a truncate, or a row an unfinished snapshot left behind).</summary>
    public PgChange EncodeDelete(byte[] key, ulong lsn, long seq, long commitMs, uint? xid) =>
        new(key, Envelope(null, 'd', lsn, commitMs, xid, snapshot: lsn == 0), commitMs, 'd', lsn, seq);

    private byte[] Envelope(JsonObject? after, char op, ulong lsn, long commitMs, uint? xid, bool snapshot)
    {
        var source = new JsonObject
        {
            ["version"] = "braid",
            ["connector"] = "postgresql",
            ["name"] = "braid",
            ["ts_ms"] = commitMs,
            ["snapshot"] = snapshot ? "true" : "false",
            ["db"] = database,
            ["schema"] = table.Table.Schema,
            ["table"] = table.Table.Name,
            ["txId"] = xid,
            ["lsn"] = lsn,
        };
        var envelope = new JsonObject
        {
            ["before"] = null,
            ["after"] = after?.DeepClone(),
            ["source"] = source,
            ["op"] = op.ToString(),
            ["ts_ms"] = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }

    public byte[] KeyOf(JsonObject row)
    {
        JsonNode? node;
        if (table.KeyColumns.Count == 1) node = row[table.KeyColumns[0]]?.DeepClone();
        else
        {
            var o = new JsonObject();
            foreach (var c in table.KeyColumns) o[c] = row[c]?.DeepClone();
            node = o;
        }
        TKey? key;
        try
        {
            key = node.Deserialize<TKey>(json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or FormatException)
        {
            throw new PostgresSourceException(PostgresProblem.UnsupportedChange,
                $"The primary key {node?.ToJsonString() ?? "null"} of {table.Table} does not fit {typeof(TKey).Name}: {e.Message}", e);
        }
        if (key is null)
            throw new PostgresSourceException(PostgresProblem.UnsupportedChange, $"A row of {table.Table} has a null primary key ({string.Join(", ", table.KeyColumns)}).");
        // The topic's key context, as the table's source reads it back (a Schema Registry key serde picks its
        // subject from it); the bytes also decide the partition, as any producer's would.
        return keySerde.Serialize(key, new SerdeContext(topic, SerdeTarget.Key, null));
    }
}
