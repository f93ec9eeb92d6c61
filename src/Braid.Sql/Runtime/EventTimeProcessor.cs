using Braid.Processors;

namespace Braid.Sql.Runtime;

/// <summary>
/// Re-timestamps a derived stream's records from a column before a windowed GROUP BY whose
/// <c>DESCRIPTOR(col)</c> is not already the record timestamp (after a stream–stream join the record timestamp
/// is the later of the two sides', Kafka's rule; after INSERT INTO it may come from different columns).
/// State: none. Emit: the record, its timestamp set to the column's value (epoch milliseconds). Absence: a NULL
/// column keeps the record's timestamp (the sources' rule for a NULL time column). Time: the new timestamp is
/// what the repartition and the window operator see, as a timestamp extractor's would be.
/// </summary>
internal sealed class EventTimeProcessor(int timeColumn) : IFixedKeyProcessor<SqlRow, SqlRow, SqlRow>
{
    private IFixedKeyProcessorContext<SqlRow, SqlRow>? _context;

    public void Init(IFixedKeyProcessorContext<SqlRow, SqlRow> context) => _context = context;

    public void Process(FixedKeyRecord<SqlRow, SqlRow> record)
    {
        _context!.Forward(record.Value?[timeColumn] is long ts ? record.WithTimestamp(ts) : record);
    }
}
