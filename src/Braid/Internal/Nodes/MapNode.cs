namespace Braid.Internal.Nodes;

/// <summary>KStream Map / SelectKey: new key and value (a key change marks the stream for repartitioning).</summary>
internal sealed class MapNode<TKey, TValue, TKeyOut, TValueOut>(string name, Func<TKey?, TValue?, KeyValue<TKeyOut, TValueOut>> mapper)
    : ProcessorNode<TKey, TValue, TKeyOut, TValueOut>(name)
{
    public override void Process(in Record<TKey, TValue> record)
    {
        var kv = mapper(record.Key, record.Value);
        Forward(new Record<TKeyOut, TValueOut>(kv.Key, kv.Value, record.Timestamp, record.Headers));
    }
}
