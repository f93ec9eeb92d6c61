using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Internal.Tables;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// KStream–KTable join with a grace period (KIP-923), inner and left, against a versioned table.
/// <list type="bullet">
/// <item>State: a time-ordered buffer of stream records (a key–value store keyed by timestamp, key,
/// arrival; see <see cref="TimeFirstKey"/>) plus the buffer's time, so it survives a restart on
/// persistent hosts. The table is read through its versioned value getter.</item>
/// <item>Time rule: buffer time = the largest timestamp of the records actually put into the buffer
/// (null-value, null-key and late records never move it; nor does the table side).</item>
/// <item>Emit rule: a record with ts ≥ bufferTime − grace is buffered; then every buffered record with
/// ts ≤ bufferTime − grace is released in (timestamp, serialized key, arrival) order and joined with the
/// table version valid at its own timestamp. A late record (ts &lt; bufferTime − grace) is joined at once
/// and releases nothing. Records still buffered when input stops stay buffered (Kafka does the same).</item>
/// <item>Absence: null-value records are dropped (counted). Null keys: dropped by the inner join; the left
/// join forwards them at once with a null table side (KIP-962; they cannot be looked up anyway). A
/// missing table version is passed as null to the left joiner.</item>
/// </list>
/// Timeline (grace 2): A@3 buffered (time 3) · B@5 buffered (time 5) → A released, joined as of 3 ·
/// C@9 (time 9) → B released · D@6 is late (6 &lt; 7) → joined at once, C stays · E@15 → C released; E is
/// never released if nothing newer comes. Pinned by it-versioned-stream-table-grace-inner/-left and
/// ut-versioned-stream-table-grace-delay.
/// </summary>
internal sealed class StreamTableJoinWithGrace<TKey, TValue, TTableValue, TResult>(
    string name, string bufferStoreName, Serde<TKey> keySerde, TableValueGetterSupplier<TKey, TTableValue> table,
    Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin, long graceMs)
    : StreamTableJoinNode<TKey, TValue, TTableValue, TResult>(name, joiner, leftJoin)
{
    private IKeyValueStore<byte[], GraceBufferEntry<TKey, TValue>> _buffer = null!;
    private IVersionedTableValueGetter<TKey, TTableValue> _table = null!;
    private long _bufferTime = long.MinValue;
    private long _sequence;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _table = table.Create(context) as IVersionedTableValueGetter<TKey, TTableValue>
            ?? throw new StreamsException($"'{Name}': a stream–table join with a grace period needs a versioned table.");
        _buffer = context.GetStore<IKeyValueStore<byte[], GraceBufferEntry<TKey, TValue>>>(bufferStoreName);
        // Resume a restored buffer: its time, and a sequence past every held record's.
        if (_buffer.TryGet(TimeFirstKey.Meta, out var meta)) _bufferTime = meta.Timestamp;
        foreach (var kv in _buffer.All())
        {
            if (kv.Key.Length > 0) _sequence = Math.Max(_sequence, TimeFirstKey.Sequence(kv.Key) + 1);
        }
    }

    protected override void ProcessKeyed(TKey key, TValue value, long timestamp, Headers? headers)
    {
        if (_bufferTime != long.MinValue && timestamp < _bufferTime - graceMs)
        {
            Join(key, value, timestamp, headers);
            return;
        }
        var bufferKey = TimeFirstKey.Of(timestamp, keySerde.Serialize(key), _sequence++);
        _buffer.Put(bufferKey, new GraceBufferEntry<TKey, TValue>(key, value, timestamp, headers));
        if (timestamp > _bufferTime)
        {
            _bufferTime = timestamp;
            _buffer.Put(TimeFirstKey.Meta, new GraceBufferEntry<TKey, TValue>(default, default, _bufferTime, null));
        }
        Release(Math.Min(_bufferTime - graceMs, long.MaxValue - 1));
    }

    /// <summary>Releases every held record with ts ≤ deadline, oldest first.</summary>
    private void Release(long deadline)
    {
        var due = _buffer.Range(TimeFirstKey.TimePrefix(long.MinValue), TimeFirstKey.TimePrefix(deadline + 1));
        foreach (var kv in due)
        {
            _buffer.Delete(kv.Key);
            var e = kv.Value;
            Join(e.Key!, e.Value!, e.Timestamp, e.Headers);
        }
    }

    /// <summary>Joins with the table version valid at the stream record's own timestamp.</summary>
    private void Join(TKey key, TValue value, long timestamp, Headers? headers)
    {
        bool found = _table.TryGetAsOf(key, timestamp, out var right);
        Emit(key, value, timestamp, headers, found, found ? right.Value : default);
    }
}
