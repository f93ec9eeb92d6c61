namespace Braid.Internal.Nodes;

/// <summary>KStream MapValues: new value, same key, so no repartitioning.</summary>
internal sealed class MapValuesNode<TKey, TValue, TValueOut>(string name, Func<TKey?, TValue?, TValueOut?> mapper)
    : ProcessorNode<TKey, TValue, TKey, TValueOut>(name)
{
    public override void Process(in Record<TKey, TValue> record) =>
        Forward(new Record<TKey, TValueOut>(record.Key, mapper(record.Key, record.Value), record.Timestamp, record.Headers));
}
