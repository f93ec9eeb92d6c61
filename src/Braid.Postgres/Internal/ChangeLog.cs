using System.Buffers.Binary;
using Braid.Embedded;

namespace Braid.Postgres.Internal;

/// <summary>
/// The durable side of the source: appends changes to the embedded topic, each with its replication
/// position (commit LSN, position in the transaction) in a header, and knows, per key, the last
/// position appended and whether the row is live.
///
/// Exactly-once rests on two rules. (1) PostgreSQL is told a transaction is flushed only after its
/// changes were appended durably (<see cref="Append"/> returned; with <see cref="Durability.PowerLoss"/>
/// after an fsync), so the slot never moves past anything not in the topic: nothing is lost. (2) After a
/// crash the slot resends every transaction it was not told about — possibly one whose changes were
/// partly appended (the topic's torn tail is cut to whole records, and one append spans partitions) —
/// and <see cref="Append"/> skips a change whose position is not above its key's last appended
/// position: nothing is applied twice. Per key is enough because one key always goes to one partition,
/// and a partition is an append-only sequence, so a key's appended changes are a prefix of its changes.
/// </summary>
internal sealed class ChangeLog
{
    public const string PositionHeader = "braid.pg.position";

    private readonly TopicProducer<byte[], byte[]> _producer;
    private readonly bool _fsync;
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);

    public ChangeLog(BraidApplication app, string topic)
    {
        _producer = app.CreateProducer(topic, Braid.Serialization.Serdes.ByteArray, Braid.Serialization.Serdes.ByteArray);
        _fsync = app.Options.Durability == Durability.PowerLoss;
        var reader = app.CreateReader(topic, Braid.Serialization.Serdes.ByteArray, Braid.Serialization.Serdes.ByteArray);
        while (true)
        {
            var batch = reader.Poll();
            if (batch.Count == 0) break;
            foreach (var r in batch)
            {
                if (r.Key is null || r.Headers is null || !r.Headers.TryGetLast(PositionHeader, out var h) || h.Value is not { Length: 17 } pos)
                    throw new PostgresSourceException(PostgresProblem.UnsupportedChange,
                        $"Topic '{topic}' partition {r.Partition} offset {r.Offset} was not written by the PostgreSQL source (no position header); the topic must be reserved for it.");
                Remember(r.Key, BinaryPrimitives.ReadUInt64BigEndian(pos), BinaryPrimitives.ReadInt64BigEndian(pos.AsSpan(8)), (char)pos[16]);
            }
        }
        RecordsInTopic = _keys.Count > 0 || reader.Partitions > 0 && Enumerable.Range(0, reader.Partitions).Any(p => reader.Position(p) > 0);
    }

    /// <summary>Whether the topic held any record at start.</summary>
    public bool RecordsInTopic { get; }

    /// <summary>Keys whose last change is not a delete, with their bytes.</summary>
    public IEnumerable<byte[]> LiveKeys => _keys.Values.Where(k => k.Live).Select(k => k.Key).ToList();

    /// <summary>Appends the changes not yet appended (all of them when <paramref name="dedup"/> is false: a snapshot rewrites).</summary>
    /// <returns>How many were appended.</returns>
    public int Append(IReadOnlyList<PgChange> changes, bool dedup)
    {
        var fresh = new List<TopicRecord<byte[], byte[]>>(changes.Count);
        foreach (var c in changes)
        {
            string hex = Convert.ToHexString(c.Key);
            if (dedup && _keys.TryGetValue(hex, out var last) && (c.Lsn < last.Lsn || c.Lsn == last.Lsn && c.Seq <= last.Seq)) continue;
            var pos = new byte[17];
            BinaryPrimitives.WriteUInt64BigEndian(pos, c.Lsn);
            BinaryPrimitives.WriteInt64BigEndian(pos.AsSpan(8), c.Seq);
            pos[16] = (byte)c.Op;
            fresh.Add(new TopicRecord<byte[], byte[]>(c.Key, c.Envelope, Math.Max(0, c.Timestamp), new Headers().Add(PositionHeader, pos)));
        }
        if (fresh.Count == 0) return 0;
        // A crash inside Send leaves a prefix of each partition's records (torn tail cut on restart):
        // the slot was not acknowledged, so the transaction comes again and the check above skips that prefix.
        _producer.Send(fresh);
        if (_fsync) _producer.Flush();
        for (int i = 0, j = 0; i < changes.Count && j < fresh.Count; i++)
        {
            if (!ReferenceEquals(changes[i].Key, fresh[j].Key)) continue;
            Remember(changes[i].Key, changes[i].Lsn, changes[i].Seq, changes[i].Op);
            j++;
        }
        return fresh.Count;
    }

    private void Remember(byte[] key, ulong lsn, long seq, char op) =>
        _keys[Convert.ToHexString(key)] = new KeyState(key, lsn, seq, op != 'd');

    private readonly record struct KeyState(byte[] Key, ulong Lsn, long Seq, bool Live);
}
