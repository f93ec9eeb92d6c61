using Braid.Internal.Nodes;
using Braid.Processors;
using Braid.Serialization;

namespace Braid;

/// <summary>
/// An unbounded stream of records, as Kafka Streams' KStream: every record counts, none replaces another.
/// Operators return new streams; nothing runs until a host runs the built topology.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed partial class KStream<TKey, TValue>
{
    internal KStream(StreamsBuilder builder, string nodeName, Serde<TKey>? keySerde, Serde<TValue>? valueSerde, bool repartitionRequired)
    {
        Builder = builder;
        NodeName = nodeName;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
        RepartitionRequired = repartitionRequired;
    }

    internal StreamsBuilder Builder { get; }

    internal Internal.InternalTopologyBuilder B => Builder.Internal;

    internal string NodeName { get; }

    internal Serde<TKey>? KeySerde { get; }

    internal Serde<TValue>? ValueSerde { get; }

    /// <summary>True after a key-changing operation: a grouping or join must repartition first.</summary>
    internal bool RepartitionRequired { get; }

    private KStream<TKey2, TValue2> Add<TKey2, TValue2>(string prefix, string? name, Func<string, ProcessorNode> factory,
        Serde<TKey2>? ks, Serde<TValue2>? vs, bool keyChanged)
    {
        string n = name ?? B.NewName(prefix);
        B.AddProcessor(n, () => factory(n), NodeName);
        return new KStream<TKey2, TValue2>(Builder, n, ks, vs, RepartitionRequired || keyChanged);
    }

    /// <summary>Keeps the records the predicate accepts.</summary>
    /// <param name="predicate">Test on key and value.</param>
    /// <param name="name">Processor name; generated when null.</param>
    /// <returns>The filtered stream.</returns>
    public KStream<TKey, TValue> Filter(Func<TKey?, TValue?, bool> predicate, string? name = null) =>
        Add("KSTREAM-FILTER-", name, n => new FilterNode<TKey, TValue>(n, predicate, false), KeySerde, ValueSerde, false);

    /// <summary>Drops the records the predicate accepts.</summary>
    /// <param name="predicate">Test on key and value.</param>
    /// <param name="name">Processor name.</param>
    /// <returns>The filtered stream.</returns>
    public KStream<TKey, TValue> FilterNot(Func<TKey?, TValue?, bool> predicate, string? name = null) =>
        Add("KSTREAM-FILTER-", name, n => new FilterNode<TKey, TValue>(n, predicate, true), KeySerde, ValueSerde, false);

    /// <summary>Maps each record to a new key and value (marks the stream for repartitioning).</summary>
    /// <param name="mapper">The mapping.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TKeyOut">New key type.</typeparam>
    /// <typeparam name="TValueOut">New value type.</typeparam>
    /// <returns>The mapped stream.</returns>
    public KStream<TKeyOut, TValueOut> Map<TKeyOut, TValueOut>(Func<TKey?, TValue?, KeyValue<TKeyOut, TValueOut>> mapper, string? name = null) =>
        Add<TKeyOut, TValueOut>("KSTREAM-MAP-", name, n => new MapNode<TKey, TValue, TKeyOut, TValueOut>(n, mapper), null, null, true);

    /// <summary>Maps each value; the key stays, so no repartitioning is needed.</summary>
    /// <param name="mapper">The mapping of the value.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TValueOut">New value type.</typeparam>
    /// <returns>The mapped stream.</returns>
    public KStream<TKey, TValueOut> MapValues<TValueOut>(Func<TValue?, TValueOut?> mapper, string? name = null) =>
        MapValues<TValueOut>((_, v) => mapper(v), name);

    /// <summary>Maps each value, seeing the key (read-only).</summary>
    /// <param name="mapper">The mapping of key and value to a new value.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TValueOut">New value type.</typeparam>
    /// <returns>The mapped stream.</returns>
    public KStream<TKey, TValueOut> MapValues<TValueOut>(Func<TKey?, TValue?, TValueOut?> mapper, string? name = null) =>
        Add<TKey, TValueOut>("KSTREAM-MAPVALUES-", name, n => new MapValuesNode<TKey, TValue, TValueOut>(n, mapper), KeySerde, null, false);

    /// <summary>Maps each record to zero or more records (marks the stream for repartitioning).</summary>
    /// <param name="mapper">The mapping.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TKeyOut">New key type.</typeparam>
    /// <typeparam name="TValueOut">New value type.</typeparam>
    /// <returns>The stream.</returns>
    public KStream<TKeyOut, TValueOut> FlatMap<TKeyOut, TValueOut>(Func<TKey?, TValue?, IEnumerable<KeyValue<TKeyOut, TValueOut>>> mapper, string? name = null) =>
        Add<TKeyOut, TValueOut>("KSTREAM-FLATMAP-", name, n => new FlatMapNode<TKey, TValue, TKeyOut, TValueOut>(n, mapper), null, null, true);

    /// <summary>Maps each value to zero or more values with the same key.</summary>
    /// <param name="mapper">The mapping.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TValueOut">New value type.</typeparam>
    /// <returns>The stream.</returns>
    public KStream<TKey, TValueOut> FlatMapValues<TValueOut>(Func<TValue?, IEnumerable<TValueOut>> mapper, string? name = null) =>
        Add<TKey, TValueOut>("KSTREAM-FLATMAPVALUES-", name,
            n => new FlatMapNode<TKey, TValue, TKey, TValueOut>(n, (k, v) => FlatValues(k, mapper(v))), KeySerde, null, false);

    private static IEnumerable<KeyValue<TKey, TValueOut>> FlatValues<TValueOut>(TKey? key, IEnumerable<TValueOut> values)
    {
        foreach (var v in values) yield return new KeyValue<TKey, TValueOut>(key!, v);
    }

    /// <summary>Picks a new key (marks the stream for repartitioning).</summary>
    /// <param name="selector">The new key from key and value.</param>
    /// <param name="name">Processor name.</param>
    /// <typeparam name="TKeyOut">New key type.</typeparam>
    /// <returns>The re-keyed stream.</returns>
    public KStream<TKeyOut, TValue> SelectKey<TKeyOut>(Func<TKey?, TValue?, TKeyOut> selector, string? name = null) =>
        Add<TKeyOut, TValue>("KSTREAM-KEY-SELECT-", name,
            n => new MapNode<TKey, TValue, TKeyOut, TValue>(n, (k, v) => new KeyValue<TKeyOut, TValue>(selector(k, v), v!)), null, ValueSerde, true);

    /// <summary>Calls an action for each record and passes it on unchanged.</summary>
    /// <param name="action">The action.</param>
    /// <param name="name">Processor name.</param>
    /// <returns>The same records.</returns>
    public KStream<TKey, TValue> Peek(Action<TKey?, TValue?> action, string? name = null) =>
        Add("KSTREAM-PEEK-", name, n => new PeekNode<TKey, TValue>(n, action), KeySerde, ValueSerde, false);

    /// <summary>Calls an action for each record (a terminal operation).</summary>
    /// <param name="action">The action.</param>
    /// <param name="name">Processor name.</param>
    public void Foreach(Action<TKey?, TValue?> action, string? name = null) =>
        Add("KSTREAM-FOREACH-", name, n => new PeekNode<TKey, TValue>(n, action), KeySerde, ValueSerde, false);

    /// <summary>Interleaves this stream with another of the same types.</summary>
    /// <param name="other">The other stream.</param>
    /// <param name="name">Processor name.</param>
    /// <returns>The merged stream.</returns>
    public KStream<TKey, TValue> Merge(KStream<TKey, TValue> other, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        string n = name ?? B.NewName("KSTREAM-MERGE-");
        B.AddProcessor(n, () => new PassThroughNode<TKey, TValue>(n), NodeName, other.NodeName);
        return new KStream<TKey, TValue>(Builder, n, KeySerde, ValueSerde, RepartitionRequired || other.RepartitionRequired);
    }

    /// <summary>Splits the stream into named branches; each record goes to the first branch that takes it.</summary>
    /// <param name="name">Prefix of the branch names.</param>
    /// <returns>A builder of branches.</returns>
    public BranchedKStream<TKey, TValue> Split(string? name = null) => new(this, name ?? B.NewName("KSTREAM-BRANCH-"));

    /// <summary>Writes the stream to a topic.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="produced">Serdes and name.</param>
    public void To(string topic, Produced<TKey, TValue>? produced = null)
    {
        if (string.IsNullOrWhiteSpace(topic)) throw new TopologyException("To: the topic name must not be empty.");
        var ks = produced?.KeySerde ?? KeySerde ?? Serdes.Default<TKey>();
        var vs = produced?.ValueSerde ?? ValueSerde ?? Serdes.Default<TValue>();
        string n = produced?.Name ?? B.NewName("KSTREAM-SINK-");
        B.AddSink(n, topic, () => new SinkNode<TKey, TValue>(n, topic, null, ks, vs), NodeName);
    }

    /// <summary>Writes each record to the topic the extractor picks.</summary>
    /// <param name="topicExtractor">Topic per record.</param>
    /// <param name="produced">Serdes and name.</param>
    public void To(Func<TKey?, TValue?, string> topicExtractor, Produced<TKey, TValue>? produced = null)
    {
        ArgumentNullException.ThrowIfNull(topicExtractor);
        var ks = produced?.KeySerde ?? KeySerde ?? Serdes.Default<TKey>();
        var vs = produced?.ValueSerde ?? ValueSerde ?? Serdes.Default<TValue>();
        string n = produced?.Name ?? B.NewName("KSTREAM-SINK-");
        B.AddSink(n, "<dynamic>", () => new SinkNode<TKey, TValue>(n, null, topicExtractor, ks, vs), NodeName);
    }

    /// <summary>Runs a user processor, which may change keys, use the named stores and punctuate.</summary>
    /// <param name="supplier">Creates one processor per task.</param>
    /// <param name="storeNames">Stores the processor uses (added with <see cref="StreamsBuilder.AddStateStore"/>).</param>
    /// <typeparam name="TKeyOut">Output key type.</typeparam>
    /// <typeparam name="TValueOut">Output value type.</typeparam>
    /// <returns>The processor's output stream.</returns>
    public KStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> supplier, params string[] storeNames)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        string n = B.NewName("KSTREAM-PROCESSOR-");
        B.AddProcessor(n, () => new ProcessorAdapterNode<TKey, TValue, TKeyOut, TValueOut>(n, supplier, storeNames), NodeName);
        B.ConnectStores(n, storeNames);
        return new KStream<TKeyOut, TValueOut>(Builder, n, null, null, true);
    }

    /// <summary>Runs a user processor that may change values but not keys (no repartitioning needed).</summary>
    /// <param name="supplier">Creates one processor per task.</param>
    /// <param name="storeNames">Stores the processor uses.</param>
    /// <typeparam name="TValueOut">Output value type.</typeparam>
    /// <returns>The processor's output stream.</returns>
    public KStream<TKey, TValueOut> ProcessValues<TValueOut>(Func<IFixedKeyProcessor<TKey, TValue, TValueOut>> supplier, params string[] storeNames)
    {
        ArgumentNullException.ThrowIfNull(supplier);
        string n = B.NewName("KSTREAM-PROCESSVALUES-");
        B.AddProcessor(n, () => new FixedKeyProcessorAdapterNode<TKey, TValue, TValueOut>(n, supplier, storeNames), NodeName);
        B.ConnectStores(n, storeNames);
        return new KStream<TKey, TValueOut>(Builder, n, KeySerde, null, RepartitionRequired);
    }
}
