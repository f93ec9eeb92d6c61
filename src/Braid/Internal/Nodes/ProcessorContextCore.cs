using Braid.Processors;
using Braid.State;

namespace Braid.Internal.Nodes;

/// <summary>The part of a user processor's context that does not depend on its output types.</summary>
internal sealed class ProcessorContextCore(string nodeName, IReadOnlyCollection<string> connectedStores, Func<TaskContext> task)
{
    public string ApplicationId => task().Config.ApplicationId;

    public TaskId TaskId => task().TaskId;

    public long CurrentStreamTimeMs => task().StreamTime;

    public long CurrentSystemTimeMs => task().WallClockMs;

    public RecordMetadata? RecordMetadata => task().RecordMetadata;

    public TStore GetStateStore<TStore>(string name) where TStore : IStateStore
    {
        var ctx = task();
        if (!connectedStores.Contains(name) && !ctx.IsGlobalStore(name))
        {
            throw new StreamsException(ctx.HasStore(name)
                ? $"Processor '{nodeName}' is not connected to store '{name}'; pass the store name to Process(...)."
                : $"Processor '{nodeName}' asked for store '{name}', which does not exist.");
        }
        var store = ctx.GetStore<IStateStore>(name);
        return store is TStore typed ? typed : throw new StreamsException(
            $"Store '{name}' is a {store.GetType().Name}, which does not implement {typeof(TStore).Name}.");
    }

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator) =>
        task().Schedule(interval, type, punctuator);
}
