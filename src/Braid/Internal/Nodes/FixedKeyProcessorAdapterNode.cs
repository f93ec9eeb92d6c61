using Braid.Processors;
using Braid.State;

namespace Braid.Internal.Nodes;

/// <summary>Hosts a user <see cref="IFixedKeyProcessor{TKey,TValueIn,TValueOut}"/> (KStream.ProcessValues).</summary>
internal sealed class FixedKeyProcessorAdapterNode<TKey, TValueIn, TValueOut>
    : ProcessorNode<TKey, TValueIn, TKey, TValueOut>, IFixedKeyProcessorContext<TKey, TValueOut>
{
    private readonly IFixedKeyProcessor<TKey, TValueIn, TValueOut> _processor;
    private readonly ProcessorContextCore _core;

    public FixedKeyProcessorAdapterNode(string name, Func<IFixedKeyProcessor<TKey, TValueIn, TValueOut>> supplier, IReadOnlyCollection<string> stores)
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

    public override void Process(in Record<TKey, TValueIn> record) =>
        _processor.Process(new FixedKeyRecord<TKey, TValueIn>(record.Key, record.Value, record.Timestamp, record.Headers));

    public override void Close() => _processor.Close();

    public void Forward(FixedKeyRecord<TKey, TValueOut> record) =>
        Forward(new Record<TKey, TValueOut>(record.Key, record.Value, record.Timestamp, record.Headers));

    public TStore GetStateStore<TStore>(string name) where TStore : IStateStore => _core.GetStateStore<TStore>(name);

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator) => _core.Schedule(interval, type, punctuator);
}
