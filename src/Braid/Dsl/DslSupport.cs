using Braid.Internal;
using Braid.Internal.Nodes;
using Braid.Serialization;
using Braid.State;

namespace Braid;

/// <summary>Helpers the DSL classes share: store materialization, repartitioning, absence checks.</summary>
internal static class DslSupport
{
    /// <summary>Left/outer joins pass null for a missing side; a type that cannot be null would get a made-up default.</summary>
    public static void EnsureCanBeAbsent<T>(string operation, string side)
    {
        var t = typeof(T);
        if (t.IsValueType && Nullable.GetUnderlyingType(t) is null)
        {
            throw new TopologyException(
                $"{operation}: the {side} value type {t.Name} cannot be null, so a missing {side} side could not be told apart " +
                $"from a real value. Use {t.Name}? (MapValues(v => ({t.Name}?)v)) for the {side} side.");
        }
    }

    /// <summary>Declares a timestamped key–value store for a table or aggregate and returns its name.</summary>
    public static string AddTableStore<TKey, TValue>(InternalTopologyBuilder b, Materialized<TKey, TValue>? m,
        Serde<TKey>? keySerde, Serde<TValue>? valueSerde, string generatedPrefix)
    {
        if (m?.VersionedHistoryRetention is not null)
            throw new TopologyException($"versioned stores are declared with KTable sources and ToTable; '{m.StoreName}' cannot be versioned here.");
        string name = m?.StoreName ?? b.NewStoreName(generatedPrefix);
        var ks = m?.KeySerde ?? keySerde ?? Serdes.Default<TKey>();
        var vs = m?.ValueSerde ?? valueSerde ?? Serdes.Default<TValue>();
        b.AddStore(new KeyValueStoreBuilder<TKey, ValueAndTimestamp<TValue>>(name, ks, new ValueAndTimestampSerde<TValue>(vs))
        {
            LoggingEnabled = m?.LoggingEnabled ?? true,
            InMemory = m?.InMemory ?? false,
        });
        return name;
    }

    /// <summary>Declares the versioned store (KIP-914) of a versioned table source and returns its name.</summary>
    public static string AddVersionedTableStore<TKey, TValue>(InternalTopologyBuilder b, Materialized<TKey, TValue> m,
        Serde<TKey>? keySerde, Serde<TValue>? valueSerde, string generatedPrefix)
    {
        var retention = m.VersionedHistoryRetention ?? throw new ArgumentException("not a versioned materialization", nameof(m));
        string name = m.StoreName ?? b.NewStoreName(generatedPrefix);
        var ks = m.KeySerde ?? keySerde ?? Serdes.Default<TKey>();
        var vs = m.ValueSerde ?? valueSerde ?? Serdes.Default<TValue>();
        b.AddStore(new VersionedStoreBuilder<TKey, TValue>(name, retention, ks, vs)
        {
            LoggingEnabled = m.LoggingEnabled,
            InMemory = m.InMemory,
        });
        return name;
    }

    /// <summary>
    /// Sends records through an internal repartition topic (sink + source) so that records are
    /// partitioned by their current key, as a changed key requires before grouping or joining.
    /// </summary>
    public static string Repartition<TKey, TValue>(InternalTopologyBuilder b, string parent, string baseName,
        Serde<TKey> keySerde, Serde<TValue> valueSerde)
    {
        string topic = baseName + "-repartition";
        string sink = baseName + "-repartition-sink";
        string source = baseName + "-repartition-source";
        b.AddSink(sink, topic, () => new SinkNode<TKey, TValue>(sink, topic, null, keySerde, valueSerde), parent);
        b.MarkInternalTopic(topic);
        b.AddSource(source, [topic], () => new SourceNode<TKey, TValue>(source, keySerde, valueSerde));
        return source;
    }
}
