namespace Braid.Internal.Nodes;

/// <summary>KStream FlatMap / FlatMapValues: zero or more output records per input, same timestamp.</summary>
internal sealed class FlatMapNode<TKey, TValue, TKeyOut, TValueOut>(string name, Func<TKey?, TValue?, IEnumerable<KeyValue<TKeyOut, TValueOut>>> mapper)
    : ProcessorNode<TKey, TValue, TKeyOut, TValueOut>(name)
{
    public override void Process(in Record<TKey, TValue> record)
    {
        foreach (var kv in mapper(record.Key, record.Value))
            Forward(new Record<TKeyOut, TValueOut>(kv.Key, kv.Value, record.Timestamp, record.Headers));
    }
}
