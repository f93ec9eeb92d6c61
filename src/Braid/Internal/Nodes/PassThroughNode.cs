namespace Braid.Internal.Nodes;

/// <summary>Forwards records unchanged (Merge, and the named outputs of Split).</summary>
internal sealed class PassThroughNode<TKey, TValue>(string name) : ProcessorNode<TKey, TValue, TKey, TValue>(name)
{
    public override void Process(in Record<TKey, TValue> record) => Forward(record);
}
