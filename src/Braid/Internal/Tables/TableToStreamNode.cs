namespace Braid.Internal.Tables;

/// <summary>
/// KTable ToStream: the table's changelog as a stream; a delete becomes a null-value record.
/// A table whose value type cannot be null (e.g. long) cannot express a delete in a stream: that
/// fails loudly, naming the fix, rather than inventing a default value.
/// </summary>
internal sealed class TableToStreamNode<TKey, TValue>(string name)
    : Nodes.ProcessorNode<TKey, Change<TValue>, TKey, TValue>(name)
{
    private static readonly bool ValueCanBeNull = !typeof(TValue).IsValueType || Nullable.GetUnderlyingType(typeof(TValue)) is not null;

    // Only the new value becomes the stream record (Kafka's toStream maps a change to its newValue).
    internal override bool ReadsOldValues => false;

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        var c = record.Value;
        if (!c.HasNew && !ValueCanBeNull)
        {
            throw new StreamsException(
                $"'{Name}': a table of {typeof(TValue).Name} deleted key '{record.Key}', and a stream of {typeof(TValue).Name} cannot carry a tombstone. " +
                $"Map the table to {typeof(TValue).Name}? (MapValues(v => ({typeof(TValue).Name}?)v)) before ToStream.");
        }
        Forward(new Record<TKey, TValue>(record.Key, c.HasNew ? c.New : default, record.Timestamp, record.Headers));
    }
}
