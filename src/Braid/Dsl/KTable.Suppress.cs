using Braid.Internal.Windowed;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KTable<TKey, TValue>
{
    /// <summary>Set on the table a windowed aggregation returns: what <see cref="Suppress"/> needs to know when windows close.</summary>
    internal WindowedTableInfo<TKey>? Windowing { get; init; }

    /// <summary>
    /// Holds back updates (Kafka's <c>suppress</c>): with <see cref="Suppressed.UntilWindowCloses"/>, emits only
    /// each window's final result once stream time passes its end plus the aggregation's grace; with
    /// <see cref="Suppressed.UntilTimeLimit"/>, emits a key's latest value once the time limit has passed since
    /// its first held update.
    /// </summary>
    /// <param name="suppressed">The suppression.</param>
    /// <returns>The suppressed table. Lookups into it (joins) see the unsuppressed values.</returns>
    public KTable<TKey, TValue> Suppress(Suppressed suppressed)
    {
        ArgumentNullException.ThrowIfNull(suppressed);
        if (suppressed.IsUntilWindowCloses && Windowing is null)
        {
            throw new TopologyException(
                $"Suppressed.UntilWindowCloses needs to know when windows close; apply it directly to the table a windowed " +
                $"Count/Reduce/Aggregate returns (table '{NodeName}' is not one).");
        }
        string n = suppressed.Name ?? B.NewName("KTABLE-SUPPRESS-");
        string store = suppressed.Name is not null ? suppressed.Name + "-store" : B.NewStoreName("KTABLE-SUPPRESS-");
        var ks = KeySerde ?? Serdes.Default<TKey>();
        var vs = ValueSerde ?? Serdes.Default<TValue>();
        B.AddStore(new KeyValueStoreBuilder<byte[], BufferEntry<TKey, TValue>>(store, Serdes.ByteArray, new BufferEntrySerde<TKey, TValue>(ks, vs)));
        var windowEnd = suppressed.IsUntilWindowCloses ? Windowing!.WindowEnd : null;
        long duration = suppressed.IsUntilWindowCloses ? Windowing!.GraceMs : suppressed.TimeLimitMs;
        var buffer = suppressed.Buffer;
        B.AddProcessor(n, () => new SuppressProcessor<TKey, TValue>(n, store, ks, windowEnd, duration, buffer), NodeName);
        B.ConnectStores(n, store);
        return new KTable<TKey, TValue>(Builder, n, KeySerde, ValueSerde, ValueGetter, StoreName, HistoryRetention);
    }
}

/// <summary>The grace of a windowed table's windows and how to read a window end from its key.</summary>
internal sealed record WindowedTableInfo<TKey>(long GraceMs, Func<TKey, long> WindowEnd);
