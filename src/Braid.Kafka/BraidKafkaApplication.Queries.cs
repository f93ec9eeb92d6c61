using Braid.Internal.Queries;
using Braid.Kafka.Internal;
using Braid.State;

namespace Braid.Kafka;

/// <summary>
/// Interactive queries on the Kafka host: the stores of this instance's tasks, through the query API every host shares.
/// A view resolves the store's partitions on every call under the stream thread's query lock (Kafka Streams'
/// <c>StreamThreadStateStoreProvider</c> + <c>WrappingStoreProvider</c>), so it survives rebalances and never reads a store
/// while its thread writes or closes it. Reads see what the task has processed, committed or not, as in Kafka Streams.
/// </summary>
public sealed partial class BraidKafkaApplication : Braid.State.IQueryableStores
{
    /// <inheritdoc/>
    public IReadOnlyKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeKeyValueStore<TKey, TValue>(Resolve(name, QueryableStoreKind.KeyValue, typeof(TKey), typeof(TValue), parameters));

    /// <inheritdoc/>
    public IReadOnlyKeyValueStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedKeyValueStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        GetKeyValueStore<TKey, ValueAndTimestamp<TValue>>(name, parameters);

    /// <inheritdoc/>
    public IReadOnlyWindowStore<TKey, TValue> GetWindowStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeWindowStore<TKey, TValue>(Resolve(name, QueryableStoreKind.Window, typeof(TKey), typeof(TValue), parameters));

    /// <inheritdoc/>
    public IReadOnlyWindowStore<TKey, ValueAndTimestamp<TValue>> GetTimestampedWindowStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        GetWindowStore<TKey, ValueAndTimestamp<TValue>>(name, parameters);

    /// <inheritdoc/>
    public IReadOnlySessionStore<TKey, TValue> GetSessionStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeSessionStore<TKey, TValue>(Resolve(name, QueryableStoreKind.Session, typeof(TKey), typeof(TValue), parameters));

    /// <inheritdoc/>
    public IReadOnlyVersionedStore<TKey, TValue> GetVersionedStore<TKey, TValue>(string name, StoreQueryParameters? parameters = null) =>
        new CompositeVersionedStore<TKey, TValue>(Resolve(name, QueryableStoreKind.Versioned, typeof(TKey), typeof(TValue), parameters));

    /// <inheritdoc/>
    public IReadOnlyList<QueryableStoreInfo> DescribeStores() => StoreQueryRules.Describe(_topology.Model);

    private Func<IReadOnlyList<StorePart>> Resolve(string name, QueryableStoreKind kind, Type key, Type value, StoreQueryParameters? parameters)
    {
        StoreQueryRules.Check(_topology.Model, name, kind, key, value);
        bool stale = parameters?.EnableStaleStores ?? false;
        int? partition = parameters?.Partition;
        if (partition is { } p && !_topology.Model.GlobalStoreNames.Contains(name) && _layout is { } layout)
        {
            int partitions = layout.PartitionsPerSubtopology[SubtopologyOf(name)];
            if (p < 0 || p >= partitions) throw StoreQueryRules.NoSuchPartition(name, p, partitions);
        }
        Parts(name, partition, stale); // a store not here fails now, as Kafka's KafkaStreams.store does
        return () => Parts(name, partition, stale);
    }

    private List<StorePart> Parts(string name, int? partition, bool stale)
    {
        var state = State;
        if (state is not (StreamsState.Running or StreamsState.Rebalancing) || _threads is not { } threads) throw StoreQueryRules.NotAvailable(name, state);
        var result = new List<StorePart>();
        // Every stream thread's tasks (each under its own thread's query lock); a global store from one thread (each keeps a copy).
        foreach (var thread in threads.Live.OrderBy(t => t.Index))
        {
            lock (thread.QueryLock)
            {
                if (_topology.Model.GlobalStoreNames.Contains(name))
                {
                    // Global stores are written by the same thread's global updater, under the same lock.
                    // Checked again under the lock at each read: a thread that stops disposes its global stores.
                    if (result.Count == 0 && thread.GlobalQueryable && thread.GlobalStores is { } globals && globals.TryGetValue(name, out var g))
                        result.Add(new StorePart(name, g, thread.QueryLock, () => thread.GlobalQueryable));
                }
                else
                {
                    foreach (var task in thread.QueryableTasks(stale))
                    {
                        if (partition is { } p && task.Id.Partition != p) continue;
                        if (!task.Task.Stores.TryGetValue(name, out var store)) continue;
                        result.Add(new StorePart(name, store, thread.QueryLock, () => thread.StillQueryable(task, stale)));
                    }
                }
            }
        }
        if (stale && threads.Standbys is { } standbys && !_topology.Model.GlobalStoreNames.Contains(name))
        {
            // Standby replicas answer stale queries too (Kafka's StreamThreadStateStoreProvider with enableStaleStores takes
            // every task, standbys included), under the standby updater's lock, possibly lagging (AllLocalStorePartitionLags).
            lock (standbys.QueryLock)
            {
                foreach (var task in standbys.QueryableTasks)
                {
                    if (partition is { } p && task.Id.Partition != p) continue;
                    if (!task.Task.Stores.TryGetValue(name, out var store)) continue;
                    result.Add(new StorePart(name, store, standbys.QueryLock, () => standbys.StillQueryable(task)));
                }
            }
        }
        if (result.Count == 0) throw StoreQueryRules.NotHere(name, partition);
        return result;
    }

    /// <summary>Checks that a store exists and is of the asked kind and types (for the remote query client, before it routes).</summary>
    internal void CheckQuery(string name, QueryableStoreKind kind, Type key, Type value) => StoreQueryRules.Check(_topology.Model, name, kind, key, value);

    private int SubtopologyOf(string store) => _topology.Model.Subtopologies.FindIndex(s => s.Any(n => n.Stores.Contains(store)));
}
