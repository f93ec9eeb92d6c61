using Braid.Processors;

namespace Braid.Internal.Nodes;

/// <summary>Hosts a user <see cref="IFixedKeyProcessor{TKey,TValueIn,TValueOut}"/> (KStream.ProcessValues).</summary>
internal sealed class FixedKeyProcessorAdapterNode<TKey, TValueIn, TValueOut>
    : UserProcessorNode<TKey, TValueIn, TKey, TValueOut>, IFixedKeyProcessorContext<TKey, TValueOut>
{
    private readonly IFixedKeyProcessor<TKey, TValueIn, TValueOut> _processor;

    public FixedKeyProcessorAdapterNode(string name, Func<IFixedKeyProcessor<TKey, TValueIn, TValueOut>> supplier, IReadOnlyCollection<string> stores)
        : base(name, stores)
    {
        _processor = supplier() ?? throw new StreamsException($"The processor supplier of '{name}' returned null.");
    }

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _processor.Init(this);
    }

    public override void Process(in Record<TKey, TValueIn> record) =>
        _processor.Process(new FixedKeyRecord<TKey, TValueIn>(record.Key, record.Value, record.Timestamp, record.Headers));

    public override void Close() => _processor.Close();

    public void Forward(FixedKeyRecord<TKey, TValueOut> record) =>
        Forward(new Record<TKey, TValueOut>(record.Key, record.Value, record.Timestamp, record.Headers));
}
