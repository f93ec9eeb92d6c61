namespace Braid.Internal.Nodes;

/// <summary>KStream Peek: calls an action and passes the record on unchanged.</summary>
internal sealed class PeekNode<TKey, TValue>(string name, Action<TKey?, TValue?> action)
    : ProcessorNode<TKey, TValue, TKey, TValue>(name)
{
    public override void Process(in Record<TKey, TValue> record)
    {
        action(record.Key, record.Value);
        Forward(record);
    }
}
