using Braid.Processors;

namespace Braid.Cdc;

/// <summary>
/// Turns change events into table updates: the row after the change, or a delete (null) for a delete
/// event or a tombstone (the null-valued record Debezium writes after a delete so compaction can drop
/// the key; the delete is idempotent, so applying it twice is harmless).
/// State: none. Emit: one update per input record. Time: the chosen <see cref="ChangeTimestamp"/>
/// (the record's own timestamp when that field is absent, and always for tombstones).
/// Absence: a delete forwards a null value, which the table below reads as "no row".
/// </summary>
internal sealed class ChangeEventToRow<TKey, TValue>(ChangeTimestamp timestamp) : IFixedKeyProcessor<TKey, ChangeEvent<TValue>, TValue>
{
    private IFixedKeyProcessorContext<TKey, TValue> _context = null!;

    public void Init(IFixedKeyProcessorContext<TKey, TValue> context) => _context = context;

    public void Process(FixedKeyRecord<TKey, ChangeEvent<TValue>> record)
    {
        var change = record.Value;
        if (change is null)
        {
            _context.Forward(record.WithValue<TValue>(default));
            return;
        }
        long? ts = timestamp switch
        {
            ChangeTimestamp.SourceCommit => change.SourceTimestampMs,
            ChangeTimestamp.Connector => change.EventTimestampMs,
            _ => null,
        };
        var row = change.Operation == ChangeOperation.Delete ? default : change.After;
        _context.Forward(record.WithValue(row).WithTimestamp(ts ?? record.Timestamp));
    }
}
