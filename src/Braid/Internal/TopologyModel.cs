using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Processors;
using Braid.State;

namespace Braid.Internal;

/// <summary>
/// A frozen topology: node specs grouped into sub-topologies (connected components over edges and
/// shared stores; repartition topics cut them), plus the global part. Hosts instantiate tasks from it.
/// </summary>
internal sealed class TopologyModel
{
    public TopologyModel(List<NodeSpec> nodes, Dictionary<string, StoreBuilder> stores, HashSet<string> globalStores, HashSet<string> internalTopics)
    {
        Nodes = nodes;
        NodesByName = nodes.ToDictionary(n => n.Name);
        Stores = stores;
        GlobalStoreNames = globalStores;
        InternalTopics = internalTopics;
        Subtopologies = ComputeSubtopologies();
    }

    public List<NodeSpec> Nodes { get; }

    public Dictionary<string, NodeSpec> NodesByName { get; }

    public Dictionary<string, StoreBuilder> Stores { get; }

    public HashSet<string> GlobalStoreNames { get; }

    /// <summary>
    /// The stores a host's durable state backend holds (in-memory ones never reach it). Hosts name them to
    /// <c>RocksDbStateBackend.Open</c>, whose open creates their column families: a family created later, on a task's
    /// first use, makes RocksDB write, sync and re-parse a whole new OPTIONS file (issue 19, session 14: 20–50 ms of a
    /// stream–stream pass's start on the embedded runtime).
    /// </summary>
    public IEnumerable<string> DurableStoreNames => Stores.Values.Where(b => !b.InMemory).Select(b => b.Name);

    public HashSet<string> InternalTopics { get; }

    /// <summary>Sub-topologies in order; each is the list of its (non-global) nodes in declaration order.</summary>
    public List<List<NodeSpec>> Subtopologies { get; }

    public IEnumerable<NodeSpec> GlobalNodes => Nodes.Where(n => n.IsGlobal);

    public IEnumerable<string> SourceTopics => Nodes.Where(n => n.Kind == NodeKind.Source && !n.IsGlobal).SelectMany(n => n.SourceTopics);

    public IEnumerable<string> GlobalTopics => Nodes.Where(n => n.Kind == NodeKind.Source && n.IsGlobal).SelectMany(n => n.SourceTopics);

    public IEnumerable<string> SinkTopics => Nodes.Where(n => n.Kind == NodeKind.Sink).Select(n => n.SinkTopic!);

    /// <summary>Instantiates the given sub-topologies (all when null) as one task.</summary>
    public StreamTask CreateTask(TaskId id, IEnumerable<int>? subtopologies, StreamsConfig config, IRecordCollector collector,
        Func<long> wallClock, StorePolicy storePolicy, IReadOnlyDictionary<string, IStateStore> globalStores)
    {
        var specs = subtopologies is null
            ? Subtopologies.SelectMany(s => s).OrderBy(n => n.Order).ToList()
            : subtopologies.SelectMany(i => Subtopologies[i]).OrderBy(n => n.Order).ToList();
        var storeNames = specs.SelectMany(n => n.Stores).Where(s => !GlobalStoreNames.Contains(s)).Distinct();
        var stores = new Dictionary<string, IStateStore>();
        foreach (var name in storeNames)
        {
            var builder = Stores[name];
            stores[name] = builder.Build(storePolicy.For(builder));
        }
        return Instantiate(id, specs, config, collector, wallClock, stores, globalStores);
    }

    /// <summary>Instantiates the global part: global sources and the processors that keep global stores.</summary>
    public StreamTask? CreateGlobalTask(StreamsConfig config, Func<long> wallClock, StorePolicy storePolicy)
    {
        var specs = GlobalNodes.OrderBy(n => n.Order).ToList();
        if (specs.Count == 0) return null;
        var stores = new Dictionary<string, IStateStore>();
        foreach (var name in GlobalStoreNames)
        {
            var builder = Stores[name];
            stores[name] = builder.Build(storePolicy.For(builder));
        }
        return Instantiate(new TaskId(-1, -1), specs, config, NoSinks.Instance, wallClock, stores, stores);
    }

    private static StreamTask Instantiate(TaskId id, List<NodeSpec> specs, StreamsConfig config, IRecordCollector collector,
        Func<long> wallClock, Dictionary<string, IStateStore> stores, IReadOnlyDictionary<string, IStateStore> globalStores)
    {
        var instances = new Dictionary<string, ProcessorNode>();
        foreach (var spec in specs) instances[spec.Name] = spec.Factory();
        foreach (var spec in specs)
        {
            foreach (var child in spec.Children)
            {
                if (instances.TryGetValue(child, out var c)) instances[spec.Name].AddChild(c);
            }
        }
        var context = new TaskContext(id, config, collector, wallClock, stores, globalStores);
        var sources = new Dictionary<string, ISourceNode>();
        foreach (var spec in specs.Where(s => s.Kind == NodeKind.Source))
        {
            foreach (var t in spec.SourceTopics) sources[t] = (ISourceNode)instances[spec.Name];
        }
        return new StreamTask(id, context, specs.Select(s => instances[s.Name]).ToList(), sources, stores);
    }

    private List<List<NodeSpec>> ComputeSubtopologies()
    {
        var parent = new Dictionary<string, string>();
        string Find(string x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        void Union(string a, string b) => parent[Find(a)] = Find(b);

        var local = Nodes.Where(n => !n.IsGlobal).ToList();
        foreach (var n in local) parent[n.Name] = n.Name;
        var storeOwner = new Dictionary<string, string>();
        foreach (var n in local)
        {
            foreach (var p in n.Parents) if (parent.ContainsKey(p)) Union(n.Name, p);
            foreach (var s in n.Stores)
            {
                if (GlobalStoreNames.Contains(s)) continue;
                if (storeOwner.TryGetValue(s, out var other)) Union(n.Name, other);
                else storeOwner[s] = n.Name;
            }
        }
        return local.GroupBy(n => Find(n.Name))
            .Select(g => g.OrderBy(n => n.Order).ToList())
            .OrderBy(g => g[0].Order)
            .ToList();
    }

    private sealed class NoSinks : IRecordCollector
    {
        public static readonly NoSinks Instance = new();

        public void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition) =>
            throw new StreamsException($"A global-state processor tried to write to topic '{topic}'; global processors may only update their store.");
    }
}
