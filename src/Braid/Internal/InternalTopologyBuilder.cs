using System.Globalization;
using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal;

/// <summary>
/// Collects nodes, edges, stores and topics while the DSL (or a user) declares them, checks them, and
/// freezes them into a <see cref="TopologyModel"/>. Names follow Kafka's scheme (PREFIX-0000000007).
/// </summary>
internal sealed class InternalTopologyBuilder
{
    private readonly List<NodeSpec> _nodes = new();
    private readonly Dictionary<string, NodeSpec> _byName = new();
    private readonly Dictionary<string, StoreBuilder> _stores = new();
    private readonly HashSet<string> _globalStores = new();
    private readonly Dictionary<string, string> _topicToSource = new();
    private readonly HashSet<string> _internalTopics = new();
    private readonly List<string> _pendingErrors = new();
    private readonly HashSet<string> _generated = new();
    private int _index;

    public string NewName(string prefix) => Generated(prefix + (_index++).ToString("D10", CultureInfo.InvariantCulture));

    public string NewStoreName(string prefix) => Generated(prefix + "STATE-STORE-" + (_index++).ToString("D10", CultureInfo.InvariantCulture));

    private string Generated(string name)
    {
        _generated.Add(name);
        return name;
    }

    /// <summary>
    /// True when <paramref name="name"/> is a generated name or derived from one (<c>GENERATED-suffix</c>, as
    /// join stores and repartition topics are): its index moves when the topology changes.
    /// </summary>
    public bool IsGenerated(string name)
    {
        if (_generated.Contains(name)) return true;
        for (int dash = name.IndexOf('-', StringComparison.Ordinal); dash > 0; dash = name.IndexOf('-', dash + 1))
        {
            if (_generated.Contains(name[..dash])) return true;
        }
        return false;
    }

    /// <summary>
    /// KIP-1111 (Kafka's <c>ensure.explicit.internal.resource.naming</c>): refuses a topology whose state stores,
    /// changelog topics or internal (repartition, foreign-key) topics have generated names, listing them as
    /// Kafka's InternalStreamsBuilder does. Changelog topics are <c>&lt;store&gt;-changelog</c> of logged stores.
    /// </summary>
    public void EnsureExplicitNaming()
    {
        var stores = _stores.Values.Where(s => IsGenerated(s.Name)).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
        var changelogs = _stores.Values.Where(s => s.LoggingEnabled && IsGenerated(s.Name) && !_globalStores.Contains(s.Name))
            .Select(s => s.Name + "-changelog").Order(StringComparer.Ordinal).ToList();
        var topics = _internalTopics.Where(IsGenerated).Order(StringComparer.Ordinal).ToList();
        if (stores.Count == 0 && changelogs.Count == 0 && topics.Count == 0) return;
        var message = new System.Text.StringBuilder(); // TopologyException adds Kafka's "Invalid topology: " before the first line
        if (changelogs.Count > 0) message.Append("\nFollowing changelog topic(s) has not been named: ").AppendJoin(", ", changelogs);
        if (stores.Count > 0) message.Append("\nFollowing state store(s) has not been named: ").AppendJoin(", ", stores);
        if (topics.Count > 0) message.Append("\nFollowing repartition topic(s) has not been named: ").AppendJoin(", ", topics);
        message.Append("\nName them with Materialized.As, Grouped/Repartitioned.Name, StreamJoined.StoreName/Name or ForeignKeyJoined.Name.");
        throw new TopologyException(message.ToString());
    }

    public bool HasNode(string name) => _byName.ContainsKey(name);

    public NodeSpec AddSource(string name, string[] topics, Func<ProcessorNode> factory, bool global = false)
    {
        foreach (var t in topics)
        {
            if (_topicToSource.TryGetValue(t, out var other))
                throw new TopologyException($"topic '{t}' is already read by source '{other}'; read it once and share the stream.");
        }
        var spec = Add(new NodeSpec(name, NodeKind.Source, factory, _nodes.Count) { SourceTopics = topics, IsGlobal = global });
        foreach (var t in topics) _topicToSource[t] = name;
        return spec;
    }

    public NodeSpec AddProcessor(string name, Func<ProcessorNode> factory, params string[] parents)
    {
        var spec = Add(new NodeSpec(name, NodeKind.Processor, factory, _nodes.Count) { IsGlobal = parents.Any(p => _byName.TryGetValue(p, out var s) && s.IsGlobal) });
        Connect(spec, parents);
        return spec;
    }

    public NodeSpec AddSink(string name, string topic, Func<ProcessorNode> factory, params string[] parents)
    {
        var spec = Add(new NodeSpec(name, NodeKind.Sink, factory, _nodes.Count) { SinkTopic = topic });
        Connect(spec, parents);
        return spec;
    }

    public void MarkInternalTopic(string topic) => _internalTopics.Add(topic);

    public void AddStore(StoreBuilder store, bool global = false)
    {
        if (_stores.TryGetValue(store.Name, out var existing))
        {
            if (!ReferenceEquals(existing, store))
                throw new TopologyException($"a store named '{store.Name}' already exists; store names must be unique.");
            return;
        }
        _stores.Add(store.Name, store);
        if (global) _globalStores.Add(store.Name);
    }

    public bool HasStore(string name) => _stores.ContainsKey(name);

    public StoreBuilder GetStore(string name) =>
        _stores.TryGetValue(name, out var s) ? s : throw new TopologyException($"unknown store '{name}'.");

    /// <summary>Connects a node to stores; unknown names are reported at build time, naming the node.</summary>
    public void ConnectStores(string node, params string[] storeNames)
    {
        var spec = _byName[node];
        foreach (var s in storeNames)
        {
            if (!spec.Stores.Contains(s)) spec.Stores.Add(s);
        }
    }

    public TopologyModel Build()
    {
        foreach (var n in _nodes)
        {
            foreach (var s in n.Stores)
            {
                if (!_stores.ContainsKey(s))
                    throw new TopologyException($"processor '{n.Name}' uses store '{s}', which was never added (AddStateStore / Materialized).");
            }
        }
        if (_pendingErrors.Count > 0) throw new TopologyException(_pendingErrors[0]);
        return new TopologyModel(_nodes.ToList(), new Dictionary<string, StoreBuilder>(_stores),
            new HashSet<string>(_globalStores), new HashSet<string>(_internalTopics));
    }

    private NodeSpec Add(NodeSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name)) throw new TopologyException("a node name must not be empty.");
        if (!_byName.TryAdd(spec.Name, spec))
            throw new TopologyException($"two processors are named '{spec.Name}'; names must be unique.");
        _nodes.Add(spec);
        return spec;
    }

    private void Connect(NodeSpec child, string[] parents)
    {
        if (parents.Length == 0) throw new TopologyException($"node '{child.Name}' has no parent.");
        foreach (var p in parents)
        {
            if (!_byName.TryGetValue(p, out var parent))
                throw new TopologyException($"node '{child.Name}' names an unknown parent '{p}'.");
            if (parent.Kind == NodeKind.Sink)
                throw new TopologyException($"sink '{p}' cannot have children (node '{child.Name}').");
            parent.Children.Add(child.Name);
            child.Parents.Add(p);
        }
    }
}
