using Braid.Processors;
using Braid.State;

namespace Braid.Internal.Nodes;

/// <summary>Hosts a user <see cref="IProcessor{TKeyIn,TValueIn,TKeyOut,TValueOut}"/> (KStream.Process).</summary>
internal sealed class ProcessorAdapterNode<TKeyIn, TValueIn, TKeyOut, TValueOut>
    : ProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut>, IProcessorContext<TKeyOut, TValueOut>
{
    private readonly IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> _processor;
    private readonly ProcessorContextCore _core;

    public ProcessorAdapterNode(string name, Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> supplier, IReadOnlyCollection<string> stores)
        : base(name)
    {
        _processor = supplier() ?? throw new StreamsException($"The processor supplier of '{name}' returned null.");
        _core = new ProcessorContextCore(name, stores, () => Context);
    }

    public string ApplicationId => _core.ApplicationId;

    public TaskId TaskId => _core.TaskId;

    public long CurrentStreamTimeMs => _core.CurrentStreamTimeMs;

    public long CurrentSystemTimeMs => _core.CurrentSystemTimeMs;

    public RecordMetadata? RecordMetadata => _core.RecordMetadata;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _processor.Init(this);
    }

    public override void Process(in Record<TKeyIn, TValueIn> record) => _processor.Process(record);

    public override void Close() => _processor.Close();

    void IProcessorContext<TKeyOut, TValueOut>.Forward(Record<TKeyOut, TValueOut> record) => Forward(record);

    void IProcessorContext<TKeyOut, TValueOut>.Forward(Record<TKeyOut, TValueOut> record, string childName) => ForwardTo(record, childName);

    public TStore GetStateStore<TStore>(string name) where TStore : IStateStore => _core.GetStateStore<TStore>(name);

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator) => _core.Schedule(interval, type, punctuator);
}
