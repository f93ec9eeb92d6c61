using Braid.Processors;

namespace Braid.Internal.Nodes;

/// <summary>Hosts a user <see cref="IProcessor{TKeyIn,TValueIn,TKeyOut,TValueOut}"/> (KStream.Process).</summary>
internal sealed class ProcessorAdapterNode<TKeyIn, TValueIn, TKeyOut, TValueOut>
    : UserProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut>, IProcessorContext<TKeyOut, TValueOut>
{
    private readonly IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> _processor;

    public ProcessorAdapterNode(string name, Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> supplier, IReadOnlyCollection<string> stores)
        : base(name, stores)
    {
        _processor = supplier() ?? throw new StreamsException($"The processor supplier of '{name}' returned null.");
    }

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _processor.Init(this);
    }

    public override void Process(in Record<TKeyIn, TValueIn> record) => _processor.Process(record);

    public override void Close() => _processor.Close();

    void IProcessorContext<TKeyOut, TValueOut>.Forward(Record<TKeyOut, TValueOut> record) => Forward(record);

    void IProcessorContext<TKeyOut, TValueOut>.Forward(Record<TKeyOut, TValueOut> record, string childName) => ForwardTo(record, childName);
}
