using Braid.Embedded.Runtime;
using Braid.Internal.Queries;
using Braid.Internal.State;
using Braid.State;

namespace Braid.Embedded;

public sealed partial class BraidApplication : IQueryableStores
{
    private readonly Dictionary<(ITaskState, string), IStateStore> _views = new();

    /// <summary>
    /// Queries a key–value store while the application runs, over all its partitions. Persistent stores answer from
    /// committed state only (never a write a crash could still undo); stores kept in memory answer with what their
    /// task has processed (read under the stream thread's lock, between batches).
    /// </summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition to read (all by default).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type (for a table's store, use <see cref="GetTimestampedKeyValueStore{TKey,TValue}"/>).</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeKeyValueStore<TKey, TValue>(Resolve(name, QueryableStoreKind.KeyValue, typeof(TKey), typeof(TValue), parameters));

    /// <summary>Queries a table's or aggregate's store (values carry the timestamp of the record that wrote them).</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition to read (all by default).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyKeyValueStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedKeyValueStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        GetKeyValueStore<TKey, ValueAndTimestamp<TValue>>(name, parameters);

    /// <summary>Queries a window store holding plain values (fetch by key and time range).</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition to read (all by default).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyWindowStore<TKey, TValue> GetWindowStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeWindowStore<TKey, TValue>(Resolve(name, QueryableStoreKind.Window, typeof(TKey), typeof(TValue), parameters));

    /// <summary>Queries a windowed aggregation's store: aggregates with their timestamps, per key and window start.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition to read (all by default).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyWindowStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedWindowStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        GetWindowStore<TKey, ValueAndTimestamp<TValue>>(name, parameters);

    /// <summary>Queries a session aggregation's store.</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition to read (all by default).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Aggregate type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlySessionStore<TKey, TValue> GetSessionStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeSessionStore<TKey, TValue>(Resolve(name, QueryableStoreKind.Session, typeof(TKey), typeof(TValue), parameters));

    /// <summary>Queries a versioned store (latest, or as of a time).</summary>
    /// <param name="name">The store name.</param>
    /// <param name="parameters">Which partition to read (all by default).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyVersionedStore<TKey, TValue> GetVersionedStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeVersionedStore<TKey, TValue>(Resolve(name, QueryableStoreKind.Versioned, typeof(TKey), typeof(TValue), parameters));

    /// <inheritdoc/>
    public IReadOnlyList<QueryableStoreInfo> DescribeStores() => StoreQueryRules.Describe(_model);

    /// <summary>Approximate entries per key–value store (committed state), for the <c>braid.store.entries</c> gauge.</summary>
    internal IEnumerable<(string Store, long Entries)> StoreSizes()
    {
        foreach (var (name, builder) in _model.Stores)
        {
            if (builder.InMemory || builder.Kind != "KeyValue") continue;
            List<StorePart> views;
            try
            {
                views = Parts(name, null);
            }
            catch (InvalidStateStoreException)
            {
                yield break;
            }
            long entries = 0;
            foreach (var v in views)
            {
                // The gauge is off the hot path; the generic ApproximateCount is read without knowing the types.
                if (v.Store.GetType().GetProperty("ApproximateCount")?.GetValue(v.Store) is long n) entries += n;
            }
            yield return (name, entries);
        }
    }

    /// <summary>Records forwarded per processor node, summed over this application's tasks (a metric source).</summary>
    internal IEnumerable<(string Node, long Forwarded)> NodeCounts()
    {
        var sums = new Dictionary<string, long>();
        lock (_stateLock)
        {
            if (State is not (StreamsState.Running or StreamsState.Rebalancing or StreamsState.PendingShutdown)) return sums.Select(kv => (kv.Key, kv.Value));
            foreach (var task in AllTasks())
            {
                foreach (var node in task.Task.Nodes) sums[node.Name] = sums.GetValueOrDefault(node.Name) + node.RecordsForwarded;
            }
        }
        return sums.Select(kv => (kv.Key, kv.Value));
    }

    /// <summary>Checks the store and the state now (so a bad name fails at once), and again on every read.</summary>
    private Func<IReadOnlyList<StorePart>> Resolve(string name, QueryableStoreKind kind, Type key, Type value, StoreQueryParameters? parameters)
    {
        StoreQueryRules.Check(_model, name, kind, key, value);
        Parts(name, parameters?.Partition);
        return () => Parts(name, parameters?.Partition);
    }

    /// <summary>The partitions of a store on this instance: committed views of persistent stores (safe from any thread),
    /// live in-memory stores read under their stream thread's query lock.</summary>
    private List<StorePart> Parts(string name, int? partition)
    {
        lock (_stateLock)
        {
            if (State is not (StreamsState.Running or StreamsState.Rebalancing)) throw StoreQueryRules.NotAvailable(name, State);
            var builder = _model.Stores[name];
            bool global = _model.GlobalStoreNames.Contains(name);
            var result = new List<StorePart>();
            foreach (var (thread, task) in TasksByThread())
            {
                if (!task.Task.Stores.TryGetValue(name, out var live)) continue;
                if (!global && partition is { } p && task.Id.Partition != p) continue;
                if (builder.InMemory)
                {
                    result.Add(new StorePart(name, live, thread.QueryLock, null));
                    continue;
                }
                if (!_views.TryGetValue((task.State, name), out var view))
                    _views[(task.State, name)] = view = builder.Build(task.State.CommittedStores);
                result.Add(new StorePart(name, view, null, null));
            }
            if (result.Count == 0 && partition is { } asked)
            {
                int sub = _model.Subtopologies.FindIndex(s => s.Any(n => n.Stores.Contains(name)));
                int partitions = sub < 0 ? 0 : _layout.SubtopologyPartitions[sub];
                throw asked < 0 || asked >= partitions ? StoreQueryRules.NoSuchPartition(name, asked, partitions) : StoreQueryRules.NotHere(name, asked);
            }
            return result;
        }
    }

    private IEnumerable<(EmbeddedStreamThread Thread, EmbeddedTask Task)> TasksByThread()
    {
        foreach (var thread in _threads)
        {
            foreach (var task in thread.Tasks) yield return (thread, task);
        }
        if (_globalThread is not null && _globalTask is not null) yield return (_globalThread, _globalTask);
    }

    /// <summary>Every partition of a store as raw objects (the dashboard's store browser reads them by reflection).</summary>
    internal IReadOnlyList<IStateStore> StoreViews(string name)
    {
        if (!_model.Stores.ContainsKey(name)) throw StoreQueryRules.Unknown(_model, name);
        return Parts(name, null).Select(p => (IStateStore)p.Store).ToList();
    }
}
