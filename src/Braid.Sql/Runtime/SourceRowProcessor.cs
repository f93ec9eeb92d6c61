using Braid.Processors;

namespace Braid.Sql.Runtime;

/// <summary>
/// First node after a source topic. State: none. Emit: the record with its row completed — key columns
/// copied from the record key (the key wins over a value field of the same name), and with
/// <c>WITH (timestamp = 'col')</c> the record's timestamp taken from that column (Kafka's timestamp
/// extractor, so windows, grace and as-of joins see event time); a NULL time column is filled with the
/// record timestamp. Absence: a null value passes through (a table delete; on a stream it is skipped, see
/// docs/sql.md). Time: only as described.
/// </summary>
internal sealed class SourceRowProcessor(string[] names, int[] keyPositions, int? timeColumn, bool isTable) : IFixedKeyProcessor<SqlRow, SqlRow, SqlRow>
{
    private IFixedKeyProcessorContext<SqlRow, SqlRow>? _context;

    public void Init(IFixedKeyProcessorContext<SqlRow, SqlRow> context) => _context = context;

    public void Process(FixedKeyRecord<SqlRow, SqlRow> record)
    {
        if (record.Value is not { } value)
        {
            if (isTable) _context!.Forward(record);
            return;
        }
        var values = value.Values.ToArray();
        if (record.Key is { } key)
            for (int i = 0; i < keyPositions.Length && i < key.Count; i++) values[keyPositions[i]] = key[i];
        long ts = record.Timestamp;
        if (timeColumn is { } t)
        {
            if (values[t] is long eventTime) ts = eventTime;
            else values[t] = ts;
        }
        _context!.Forward(record.WithValue(SqlRow.Unchecked(names, values)).WithTimestamp(ts));
    }
}
