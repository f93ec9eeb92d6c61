using Braid.Internal;
using Braid.Internal.Nodes;
using Braid.Internal.Tables;
using Braid.Serialization;
using Braid.State;

namespace Braid;

/// <summary>
/// Declares a topology with the Kafka Streams DSL: streams, tables and global tables read from topics,
/// and the operators between them. <see cref="Build"/> freezes it into a <see cref="Topology"/> that
/// any host runs unchanged: the <c>TopologyTestDriver</c>, the embedded runtime, or Kafka.
/// </summary>
public sealed class StreamsBuilder
{
    private readonly TopologyOptions _options;

    /// <summary>A builder with default options.</summary>
    public StreamsBuilder()
        : this(new TopologyOptions())
    {
    }

    /// <summary>A builder with these options (Kafka's <c>StreamsBuilder(TopologyConfig)</c>).</summary>
    /// <param name="options">The topology options.</param>
    public StreamsBuilder(TopologyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    internal InternalTopologyBuilder Internal { get; } = new();

    /// <summary>A stream of every record of a topic.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="consumed">Serdes and name; defaults for the types when null.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The stream.</returns>
    public KStream<TKey, TValue> Stream<TKey, TValue>(string topic, Consumed<TKey, TValue>? consumed = null) =>
        Stream([topic], consumed);

    /// <summary>One stream of the records of several topics.</summary>
    /// <param name="topics">The topics.</param>
    /// <param name="consumed">Serdes and name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The stream.</returns>
    public KStream<TKey, TValue> Stream<TKey, TValue>(IReadOnlyList<string> topics, Consumed<TKey, TValue>? consumed = null)
    {
        ValidateTopics(topics);
        var ks = consumed?.KeySerde ?? Serdes.Default<TKey>();
        var vs = consumed?.ValueSerde ?? Serdes.Default<TValue>();
        string name = consumed?.Name ?? Internal.NewName("KSTREAM-SOURCE-");
        Internal.AddSource(name, [.. topics], () => new SourceNode<TKey, TValue>(name, ks, vs));
        return new KStream<TKey, TValue>(this, name, ks, vs, repartitionRequired: false);
    }

    /// <summary>
    /// A table over a changelog topic: the latest value per key of this partition; a null value deletes.
    /// Value types that cannot be null (int, long) must be declared nullable (int?, long?) so a delete
    /// can be represented.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="consumed">Serdes and name.</param>
    /// <param name="materialized">Store name, serdes, versioning.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The table.</returns>
    public KTable<TKey, TValue> Table<TKey, TValue>(string topic, Consumed<TKey, TValue>? consumed = null, Materialized<TKey, TValue>? materialized = null)
    {
        ValidateTopics([topic]);
        DslSupport.EnsureCanBeAbsent<TValue>($"Table(\"{topic}\")", "table");
        var ks = consumed?.KeySerde ?? materialized?.KeySerde ?? Serdes.Default<TKey>();
        var vs = consumed?.ValueSerde ?? materialized?.ValueSerde ?? Serdes.Default<TValue>();
        // Kafka's order (StreamsBuilder.table): the store name, then the source, then the table source.
        string? storeName = materialized?.StoreName is null ? Internal.NewStoreName(topic + "-") : null;
        string sourceName = consumed?.Name ?? Internal.NewName("KSTREAM-SOURCE-");
        Internal.AddSource(sourceName, [topic], () => new SourceNode<TKey, TValue>(sourceName, ks, vs));
        return KTable<TKey, TValue>.FromStreamNode(this, sourceName, ks, vs, materialized, topic + "-", generatedStoreName: storeName);
    }

    /// <summary>
    /// A table over all partitions of a topic, copied in full to every instance; joins need no
    /// co-partitioning and look rows up by a key mapped from the stream record.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="consumed">Serdes and name.</param>
    /// <param name="materialized">Store name and serdes.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The global table.</returns>
    public GlobalKTable<TKey, TValue> GlobalTable<TKey, TValue>(string topic, Consumed<TKey, TValue>? consumed = null, Materialized<TKey, TValue>? materialized = null)
    {
        ValidateTopics([topic]);
        DslSupport.EnsureCanBeAbsent<TValue>($"GlobalTable(\"{topic}\")", "table");
        var ks = consumed?.KeySerde ?? materialized?.KeySerde ?? Serdes.Default<TKey>();
        var vs = consumed?.ValueSerde ?? materialized?.ValueSerde ?? Serdes.Default<TValue>();
        string sourceName = consumed?.Name ?? Internal.NewName("KSTREAM-SOURCE-");
        string storeName = materialized?.StoreName ?? Internal.NewStoreName(topic + "-");
        Internal.AddStore(new KeyValueStoreBuilder<TKey, ValueAndTimestamp<TValue>>(storeName, ks, new ValueAndTimestampSerde<TValue>(vs))
        {
            LoggingEnabled = false, // the source topic is the changelog of a global table
            InMemory = materialized?.InMemory ?? false,
        }, global: true);
        Internal.AddSource(sourceName, [topic], () => new SourceNode<TKey, TValue>(sourceName, ks, vs), global: true);
        string tableName = Internal.NewName("KTABLE-SOURCE-");
        Internal.AddProcessor(tableName, () => new TableSourceNode<TKey, TValue>(tableName, storeName), sourceName);
        Internal.ConnectStores(tableName, storeName);
        return new GlobalKTable<TKey, TValue>(storeName, ks, vs);
    }

    /// <summary>Adds a store for user processors (connect it by name in <c>Process</c>).</summary>
    /// <param name="store">The store description.</param>
    /// <returns>This builder.</returns>
    public StreamsBuilder AddStateStore(StoreBuilder store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Internal.AddStore(store);
        return this;
    }

    /// <summary>
    /// Freezes and checks the topology; errors name the node or store at fault. With
    /// <see cref="TopologyOptions.EnsureExplicitInternalResourceNaming"/>, generated names of stores and internal
    /// topics are refused too.
    /// </summary>
    /// <returns>The topology.</returns>
    public Topology Build()
    {
        var model = Internal.Build();
        if (_options.EnsureExplicitInternalResourceNaming) Internal.EnsureExplicitNaming();
        return new Topology(model);
    }

    private static void ValidateTopics(IReadOnlyList<string> topics)
    {
        if (topics is null || topics.Count == 0) throw new TopologyException("a source needs at least one topic.");
        foreach (var t in topics)
        {
            if (string.IsNullOrWhiteSpace(t)) throw new TopologyException("a topic name must not be empty.");
        }
    }
}
