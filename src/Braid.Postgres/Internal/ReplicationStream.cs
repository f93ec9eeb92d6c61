using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Braid.Postgres.Internal;

/// <summary>
/// Streams the slot (pgoutput, protocol 1, text values, transactional messages on) and appends each
/// committed transaction's changes to the <see cref="ChangeLog"/> at its COMMIT, then acknowledges the
/// transaction's end LSN to PostgreSQL — in that order, so the slot never passes anything not durable
/// (a crash between the two only makes PostgreSQL resend what the log then skips).
/// Changes: INSERT → c; UPDATE → u, or d of the old key + c of the new one when the key changed
/// (PostgreSQL sends the old key only then, or the whole old row under REPLICA IDENTITY FULL);
/// DELETE → d; TRUNCATE → d for every live key.
/// </summary>
internal sealed class ReplicationStream(PgTableInfo table, IChangeEncoder encoder, ChangeLog log, string publication, TimeProvider time)
{
    public const string SyncPrefix = "braid-sync";

    /// <summary>Prefix of the heartbeat messages (<see cref="PostgresTableOptions{TKey,TValue}.HeartbeatInterval"/>): a transaction with nothing but this message, acknowledged like any other.</summary>
    public const string HeartbeatPrefix = "braid-heartbeat";

    private long _lastCommit = time.GetTimestamp();
    private long _commits;

    private readonly List<PgChange> _pending = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _syncs = new();
    private readonly List<string> _seenSyncs = new();
    private ulong _commitLsn;
    private long _commitMs;
    private uint? _xid;
    private long _message;

    /// <summary>The end LSN of the last transaction appended and acknowledged.</summary>
    public ulong AcknowledgedLsn { get; private set; }

    /// <summary>Transactions acknowledged so far (including empty ones and heartbeats).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>When (<see cref="TimeProvider.GetTimestamp"/>) the last transaction was acknowledged, or streaming started.</summary>
    public long LastCommitTimestamp => Interlocked.Read(ref _lastCommit);

    /// <summary>Changes appended so far by streaming.</summary>
    public long Appended { get; private set; }

    public Task WaitForSync(string token)
    {
        return _syncs.GetOrAdd(token, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    public void FailSyncs(Exception e)
    {
        foreach (var s in _syncs.Values) s.TrySetException(e);
    }

    public async Task RunAsync(LogicalReplicationConnection repl, string slot, CancellationToken ct)
    {
        var options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, binary: false, messages: true);
        await foreach (var msg in repl.StartReplication(new PgOutputReplicationSlot(slot), options, ct))
        {
            switch (msg)
            {
                case BeginMessage b:
                    _pending.Clear();
                    _seenSyncs.Clear();
                    _commitLsn = (ulong)b.TransactionFinalLsn;
                    _commitMs = new DateTimeOffset(DateTime.SpecifyKind(b.TransactionCommitTimestamp, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
                    _xid = b.TransactionXid;
                    _message = 0;
                    break;
                case InsertMessage m when Ours(m.Relation):
                    Add(encoder.Encode(await Row(m.NewRow, m.Relation, null, ct), 'c', _commitLsn, Seq(0), _commitMs, _xid, false));
                    break;
                case FullUpdateMessage m when Ours(m.Relation):
                {
                    var old = await Row(m.OldRow, m.Relation, null, ct);
                    await Update(old, await Row(m.NewRow, m.Relation, old, ct));
                    break;
                }
                case IndexUpdateMessage m when Ours(m.Relation):
                {
                    var oldKey = await Row(m.Key, m.Relation, null, ct);
                    await Update(oldKey, await Row(m.NewRow, m.Relation, null, ct));
                    break;
                }
                case DefaultUpdateMessage m when Ours(m.Relation):
                    Add(encoder.Encode(await Row(m.NewRow, m.Relation, null, ct), 'u', _commitLsn, Seq(0), _commitMs, _xid, false));
                    break;
                case KeyDeleteMessage m when Ours(m.Relation):
                    Add(encoder.Encode(await Row(m.Key, m.Relation, null, ct), 'd', _commitLsn, Seq(0), _commitMs, _xid, false));
                    break;
                case FullDeleteMessage m when Ours(m.Relation):
                    Add(encoder.Encode(await Row(m.OldRow, m.Relation, null, ct), 'd', _commitLsn, Seq(0), _commitMs, _xid, false));
                    break;
                case TruncateMessage m when m.Relations.Any(Ours):
                {
                    // The keys live after this transaction's earlier changes: appended ones are in the log, pending ones here.
                    var live = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    foreach (var k in log.LiveKeys) live[Convert.ToHexString(k)] = k;
                    foreach (var c in _pending)
                    {
                        if (c.Op == 'd') live.Remove(Convert.ToHexString(c.Key));
                        else live[Convert.ToHexString(c.Key)] = c.Key;
                    }
                    int i = 0;
                    foreach (var key in live.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value))
                        _pending.Add(encoder.EncodeDelete(key, _commitLsn, Seq(i++), _commitMs, _xid));
                    _message++;
                    break;
                }
                case LogicalDecodingMessage m when m.Prefix == SyncPrefix:
                {
                    var bytes = new MemoryStream();
                    await m.Data.CopyToAsync(bytes, ct);
                    _seenSyncs.Add(Encoding.UTF8.GetString(bytes.ToArray()));
                    break;
                }
                case CommitMessage c:
                    // Crash here: nothing of this transaction is acknowledged; it is resent and deduplicated.
                    Appended += log.Append(_pending, dedup: true);
                    _pending.Clear();
                    AcknowledgedLsn = (ulong)c.TransactionEndLsn;
                    repl.SetReplicationStatus(c.TransactionEndLsn);
                    await repl.SendStatusUpdate(ct);
                    Interlocked.Exchange(ref _lastCommit, time.GetTimestamp());
                    Interlocked.Increment(ref _commits);
                    foreach (var token in _seenSyncs)
                        _syncs.GetOrAdd(token, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    _seenSyncs.Clear();
                    break;
            }
        }
    }

    private long Seq(int sub) => (_message << 32) | (uint)sub;

    private void Add(PgChange change)
    {
        _pending.Add(change);
        _message++;
    }

    private async Task Update(JsonObject oldRow, JsonObject newRow)
    {
        var oldKey = encoder.KeyOf(oldRow);
        var change = encoder.Encode(newRow, 'u', _commitLsn, Seq(1), _commitMs, _xid, false);
        if (oldKey.AsSpan().SequenceEqual(change.Key))
        {
            _pending.Add(change with { Seq = Seq(0) });
        }
        else
        {
            // A primary-key change: the old key's row is gone, the new key's row is created (as Debezium does).
            _pending.Add(encoder.EncodeDelete(oldKey, _commitLsn, Seq(0), _commitMs, _xid));
            _pending.Add(encoder.Encode(newRow, 'c', _commitLsn, Seq(1), _commitMs, _xid, false));
        }
        _message++;
        await Task.CompletedTask;
    }

    private bool Ours(RelationMessage r) => r.Namespace == table.Table.Schema && r.RelationName == table.Table.Name;

    private async Task<JsonObject> Row(ReplicationTuple tuple, RelationMessage relation, JsonObject? old, CancellationToken ct)
    {
        var row = new JsonObject();
        int i = 0;
        await foreach (var value in tuple.WithCancellation(ct))
        {
            var column = relation.Columns[i++];
            if (value.IsDBNull) row[column.ColumnName] = null;
            else if (value.IsUnchangedToastedValue)
            {
                if (old is null || !old.TryGetPropertyValue(column.ColumnName, out var previous))
                    throw new PostgresSourceException(PostgresProblem.UnsupportedChange,
                        $"An UPDATE of {table.Table} left the TOASTed column '{column.ColumnName}' unchanged and PostgreSQL did not send its value. Run ALTER TABLE {table.Table.Quoted} REPLICA IDENTITY FULL so the old row comes with every update.");
                row[column.ColumnName] = previous?.DeepClone();
            }
            else row[column.ColumnName] = PgText.ToJson(await value.Get<string>(ct), column.DataTypeId);
        }
        return row;
    }
}
