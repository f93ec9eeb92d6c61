using Braid.Processors;
using Braid.State;

namespace Braid.Internal.Nodes;

/// <summary>
/// A node hosting a user processor, and that processor's context: what does not depend on its output types (the
/// application, task, clocks, record metadata, connected stores and punctuation). <see cref="ProcessorAdapterNode{TKeyIn,TValueIn,TKeyOut,TValueOut}"/>
/// and <see cref="FixedKeyProcessorAdapterNode{TKey,TValueIn,TValueOut}"/> add the typed forwarding.
/// </summary>
internal abstract class UserProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name, IReadOnlyCollection<string> connectedStores)
    : ProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut>(name), IProcessorContext
{
    public string ApplicationId => Context.Config.ApplicationId;

    public TaskId TaskId => Context.TaskId;

    public long CurrentStreamTimeMs => Context.StreamTime;

    public long CurrentSystemTimeMs => Context.WallClockMs;

    public RecordMetadata? RecordMetadata => Context.RecordMetadata;

    public TStore GetStateStore<TStore>(string name) where TStore : IStateStore
    {
        if (!connectedStores.Contains(name) && !Context.IsGlobalStore(name))
        {
            throw new StreamsException(Context.HasStore(name)
                ? $"Processor '{Name}' is not connected to store '{name}'; pass the store name to Process(...)."
                : $"Processor '{Name}' asked for store '{name}', which does not exist.");
        }
        var store = Context.GetStore<IStateStore>(name);
        return store is TStore typed ? typed : throw new StreamsException(
            $"Store '{name}' is a {store.GetType().Name}, which does not implement {typeof(TStore).Name}.");
    }

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator) =>
        Context.Schedule(interval, type, punctuator);
}
