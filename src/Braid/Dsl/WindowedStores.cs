using Braid.Internal.Windowed;
using Braid.Serialization;
using Braid.State;

namespace Braid;

/// <summary>Store declarations the windowed aggregations share.</summary>
internal static class WindowedStores
{
    /// <summary>Kafka's rule: the retention is the minimum unless Materialized asks for more; less is an error.</summary>
    public static long Retention(TimeSpan? requested, long minimumMs, string? storeName)
    {
        if (requested is not { } r) return minimumMs;
        long ms = WindowMs.NonNegative(nameof(Materialized), r, "the retention");
        if (ms < minimumMs)
        {
            throw new TopologyException(
                $"store '{storeName}': the retention ({ms} ms) must be at least the window size plus grace ({minimumMs} ms), or windows would expire while still open.");
        }
        return ms;
    }

    /// <summary>The buffer holding aggregates until their window closes (emit-on-window-close), named after the aggregate's store.</summary>
    public static string AddEmitBuffer<TKey, TAgg>(Internal.InternalTopologyBuilder b, string store, Serde<Windowed<TKey>> windowedSerde,
        Serde<TAgg> aggSerde, Materialized<TKey, TAgg>? m)
    {
        string name = store + "-emit-buffer";
        b.AddStore(new KeyValueStoreBuilder<byte[], BufferEntry<Windowed<TKey>, TAgg>>(name, Serdes.ByteArray,
            new BufferEntrySerde<Windowed<TKey>, TAgg>(windowedSerde, aggSerde))
        {
            LoggingEnabled = m?.LoggingEnabled ?? true,
            InMemory = m?.InMemory ?? false,
        });
        return name;
    }
}
