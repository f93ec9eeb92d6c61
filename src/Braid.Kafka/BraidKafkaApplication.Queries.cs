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
public sealed partial class BraidKafkaApplication : IQueryableStores
{
    /// <inheritdoc/>
    public IReadOnlyList<QueryableStoreInfo> DescribeStores() => StoreQueryRules.Describe(_topology.Model);

    Func<IReadOnlyList<StorePart>> IQueryableStores.Resolve(string name, QueryableStoreKind kind, Type key, Type value, StoreQueryParameters? parameters)
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
            // A stopping thread's tasks are not queryable, and it may hold its lock for long while it disposes: skip it.
            if (!EnterUnlessStopping(thread.QueryLock, () => thread.Stopping)) continue;
            try
            {
                if (_topology.Model.GlobalStoreNames.Contains(name))
                {
                    // Global stores are written by the same thread's global updater, under the same lock.
                    // Checked again under the lock at each read: a thread that stops disposes its global stores.
                    if (result.Count == 0 && thread.GlobalQueryable && thread.GlobalStores is { } globals && globals.TryGetValue(name, out var g))
                        result.Add(new StorePart(name, g, thread.QueryLock, () => thread.GlobalQueryable, () => thread.Stopping));
                }
                else
                {
                    foreach (var task in thread.QueryableTasks(stale))
                    {
                        if (partition is { } p && task.Id.Partition != p) continue;
                        if (!task.Task.Stores.TryGetValue(name, out var store)) continue;
                        result.Add(new StorePart(name, store, thread.QueryLock, () => thread.StillQueryable(task, stale), () => thread.Stopping));
                    }
                }
            }
            finally
            {
                Monitor.Exit(thread.QueryLock);
            }
        }
        if (stale && threads.Standbys is { } standbys && !_topology.Model.GlobalStoreNames.Contains(name))
        {
            // Standby replicas answer stale queries too (Kafka's StreamThreadStateStoreProvider with enableStaleStores takes
            // every task, standbys included), under the standby updater's lock, possibly lagging (AllLocalStorePartitionLags).
            if (EnterUnlessStopping(standbys.QueryLock, () => standbys.Stopping))
            {
                try
                {
                    foreach (var task in standbys.QueryableTasks)
                    {
                        if (partition is { } p && task.Id.Partition != p) continue;
                        if (!task.Task.Stores.TryGetValue(name, out var store)) continue;
                        result.Add(new StorePart(name, store, standbys.QueryLock, () => standbys.StillQueryable(task), () => standbys.Stopping));
                    }
                }
                finally
                {
                    Monitor.Exit(standbys.QueryLock);
                }
            }
        }
        if (result.Count == 0) throw StoreQueryRules.NotHere(name, partition);
        return result;
    }

    // Takes a writer's query lock, or gives up (false) once the writer is stopping.
    private static bool EnterUnlessStopping(object gate, Func<bool> stopping)
    {
        while (!Monitor.TryEnter(gate, 100))
        {
            if (stopping()) return false;
        }
        return true;
    }

    /// <summary>Checks that a store exists and is of the asked kind and types (for the remote query client, before it routes).</summary>
    internal void CheckQuery(string name, QueryableStoreKind kind, Type key, Type value) => StoreQueryRules.Check(_topology.Model, name, kind, key, value);

    private int SubtopologyOf(string store) => _topology.Model.Subtopologies.FindIndex(s => s.Any(n => n.Stores.Contains(store)));
}
