namespace Braid.Internal.Nodes;

/// <summary>KStream Filter / FilterNot: forwards the records the predicate keeps.</summary>
internal sealed class FilterNode<TKey, TValue>(string name, Func<TKey?, TValue?, bool> predicate, bool negate)
    : ProcessorNode<TKey, TValue, TKey, TValue>(name)
{
    public override void Process(in Record<TKey, TValue> record)
    {
        if (predicate(record.Key, record.Value) != negate) Forward(record);
    }
}
