using Braid.Embedded.Queries;
using Braid.Internal.State;
using Braid.State;

namespace Braid.Embedded;

public sealed partial class BraidApplication
{
    private readonly Dictionary<(ITaskState, string), IStateStore> _views = new();

    /// <summary>
    /// Queries a key–value store while the application runs, over all its partitions. Reads see committed
    /// state only (never a write a crash could still undo).
    /// </summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type (for a table's store, use <see cref="GetTimestampedKeyValueStore{TKey,TValue}"/>).</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name) =>
        new CompositeKeyValueStore<TKey, TValue>(Views<IReadOnlyKeyValueStore<TKey, TValue>>(name));

    /// <summary>Queries a table's or aggregate's store (values carry the timestamp of the record that wrote them).</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view of committed state.</returns>
    public IReadOnlyKeyValueStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedKeyValueStore<TKey, TValue>(string name) =>
        GetKeyValueStore<TKey, ValueAndTimestamp<TValue>>(name);

    /// <summary>Queries a window store (fetch by key and time range) over committed state.</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyWindowStore<TKey, TValue> GetWindowStore<TKey, TValue>(string name) =>
        new CompositeWindowStore<TKey, TValue>(Views<IReadOnlyWindowStore<TKey, TValue>>(name));

    /// <summary>Queries a versioned store (latest, or as of a time) over committed state.</summary>
    /// <param name="name">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>A read-only view.</returns>
    public IReadOnlyVersionedStore<TKey, TValue> GetVersionedStore<TKey, TValue>(string name) =>
        new CompositeVersionedStore<TKey, TValue>(Views<IVersionedKeyValueStore<TKey, TValue>>(name));

    /// <summary>Approximate entries per key–value store (committed state), for the <c>braid.store.entries</c> gauge.</summary>
    internal IEnumerable<(string Store, long Entries)> StoreSizes()
    {
        foreach (var (name, builder) in _model.Stores)
        {
            if (builder.InMemory || builder.Kind != "KeyValue") continue;
            List<IStateStore> views;
            try
            {
                views = Views<IStateStore>(name);
            }
            catch (InvalidOperationException)
            {
                yield break;
            }
            long entries = 0;
            foreach (var v in views)
            {
                // The gauge is off the hot path; the generic ApproximateCount is read without knowing the types.
                if (v.GetType().GetProperty("ApproximateCount")?.GetValue(v) is long n) entries += n;
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

    private List<T> Views<T>(string name) where T : class
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_stateLock)
        {
            if (State is not (StreamsState.Running or StreamsState.Rebalancing))
                throw new InvalidOperationException($"Stores can be queried only while the application runs (state {State}).");
            if (!_model.Stores.TryGetValue(name, out var builder))
                throw new StreamsException($"No store named '{name}'. Stores: {string.Join(", ", _model.Stores.Keys)}.");
            if (builder.InMemory)
                throw new StreamsException($"Store '{name}' is kept in memory only and cannot be queried consistently; drop its InMemory flag.");
            var result = new List<T>();
            foreach (var task in AllTasks().Where(t => t.Task.Stores.ContainsKey(name)))
            {
                if (!_views.TryGetValue((task.State, name), out var view))
                    _views[(task.State, name)] = view = builder.Build(task.State.CommittedStores);
                result.Add(view as T ?? throw new StreamsException($"Store '{name}' is a {view.GetType().Name}, not a {typeof(T).Name}."));
            }
            return result;
        }
    }
}
