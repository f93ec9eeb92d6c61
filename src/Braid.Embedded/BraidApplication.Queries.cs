using Braid.Embedded.Runtime;
using Braid.Internal.Queries;
using Braid.Internal.State;
using Braid.State;

namespace Braid.Embedded;

public sealed partial class BraidApplication : IQueryableStores
{
    private readonly Dictionary<(ITaskState, string), IStateStore> _views = new();

    /// <summary>Set by the close before it releases the database: reads of committed views are refused from then on
    /// (checked under each view's monitor, see <see cref="CloseViews"/>).</summary>
    private volatile bool _viewsClosed;

    // Queries (the getters are QueryableStoresExtensions): persistent stores answer from committed state only (never a
    // write a crash could still undo); stores kept in memory answer with what their task has processed (read under
    // the stream thread's lock, between batches).

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
            catch (NotSupportedException)
            {
                // A state backend that serves no interactive queries (a test's journal backend): no sizes to report. A gauge
                // callback must not throw: one listener observes every application in the process.
                yield break;
            }
            if (EntriesOf(views) is not { } entries) yield break;
            yield return (name, entries);
        }
    }

    /// <summary>The entries of a store's parts; null when the application closed since they were resolved (a gauge
    /// callback must not throw). Each part is read under its lock, as a query's read: the close waits for it before it
    /// releases the database, and refuses it after (before, this read ran outside any lock: collected by a
    /// <c>MeterListener</c> while the application closed, it ran RocksDB on the freed database, a silent SIGSEGV).</summary>
    internal static long? EntriesOf(IReadOnlyList<StorePart> parts)
    {
        long entries = 0;
        try
        {
            foreach (var part in parts)
            {
                // The gauge is off the hot path; the generic ApproximateCount is read without knowing the types.
                if (part.Read((object s) => s.GetType().GetProperty("ApproximateCount")?.GetValue(s)) is long n) entries += n;
            }
        }
        catch (InvalidStateStoreException)
        {
            return null;
        }
        return entries;
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
    Func<IReadOnlyList<StorePart>> IQueryableStores.Resolve(string name, QueryableStoreKind kind, Type key, Type value, StoreQueryParameters? parameters)
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
                // Read under the view's own monitor (the view serializes its reads anyway), so the close can wait for a
                // read in flight before it releases the database and refuse any later one (CloseViews): a read on the
                // released database runs RocksDB on freed native handles, a silent process crash.
                result.Add(new StorePart(name, view, view, () => !_viewsClosed));
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

    /// <summary>
    /// Refuses every later read of a committed view and waits, up to <paramref name="timeout"/>, for the reads in flight
    /// (each holds its view's monitor, <see cref="StorePart.Read{TStore,TResult}"/>). Under the state lock, so no view is
    /// added meanwhile; a read never takes the state lock while it holds a view's monitor. False when a read outlived the
    /// timeout: the database must then stay open.
    /// </summary>
    private bool CloseViews(TimeSpan timeout)
    {
        _viewsClosed = true;
        long start = Environment.TickCount64;
        foreach (var view in _views.Values)
        {
            var left = TimeSpan.FromMilliseconds(Math.Max(0, timeout.TotalMilliseconds - (Environment.TickCount64 - start)));
            if (!Monitor.TryEnter(view, left)) return false;
            Monitor.Exit(view);
        }
        return true;
    }

    private IEnumerable<(EmbeddedStreamThread Thread, EmbeddedTask Task)> TasksByThread()
    {
        foreach (var thread in _threads)
        {
            foreach (var task in thread.Tasks) yield return (thread, task);
        }
        if (_globalThread is not null && _globalTask is not null) yield return (_globalThread, _globalTask);
    }
}
