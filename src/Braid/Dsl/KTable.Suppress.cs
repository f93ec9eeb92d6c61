using Braid.Internal.Windowed;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KTable<TKey, TValue>
{
    /// <summary>
    /// Set on the table a windowed aggregation returns, and kept by Filter and MapValues (as Kafka finds the
    /// grace by walking up the graph): what <see cref="Suppress"/> needs to know when windows close.
    /// </summary>
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
        if (HasVersionedSemantics)
        {
            // Kafka's InternalStreamsBuilder.enableVersionedSemantics (and the eager check in KTableImpl.suppress):
            // a versioned table's changes include out-of-order history updates, which suppression would emit as
            // the latest value.
            throw new TopologyException(
                "suppress() is only supported for non-versioned KTables (note that version semantics might be inherited from upstream): " +
                $"table '{NodeName}' reads a versioned table. Suppress a non-versioned table, e.g. one materialized with a plain store.");
        }
        EnableSendingOldValues(true);
        if (suppressed.IsUntilWindowCloses && Windowing is null)
        {
            throw new TopologyException(
                $"Suppressed.UntilWindowCloses needs to know when windows close; apply it to the table a windowed " +
                $"Count/Reduce/Aggregate returns, or a Filter/MapValues of it (table '{NodeName}' is not one).");
        }
        string n = suppressed.Name ?? B.NewName("KTABLE-SUPPRESS-");
        string store = suppressed.Name is not null ? suppressed.Name + "-store" : B.NewStoreName("KTABLE-SUPPRESS-");
        var ks = KeySerde ?? Serdes.Default<TKey>();
        var vs = ValueSerde ?? Serdes.Default<TValue>();
        B.AddStore(new KeyValueStoreBuilder<byte[], BufferEntry<TKey, TValue>>(store, Serdes.ByteArray, new BufferEntrySerde<TKey, TValue>(ks, vs)));
        var windowEnd = suppressed.IsUntilWindowCloses ? Windowing!.ClosesAt : null;
        long duration = suppressed.IsUntilWindowCloses ? Windowing!.GraceMs : suppressed.TimeLimitMs;
        var buffer = suppressed.Buffer;
        B.AddProcessor(n, () => new SuppressProcessor<TKey, TValue>(n, store, ks, windowEnd, duration, buffer), NodeName);
        B.ConnectStores(n, store);
        return new KTable<TKey, TValue>(Builder, n, KeySerde, ValueSerde, ValueGetter, StoreName, HistoryRetention)
        {
            EnableSendingOldValues = EnableSendingOldValues,
        };
    }
}

/// <summary>
/// The grace of a windowed table's windows, and the first instant after a window (its end for time windows,
/// end + 1 for the inclusive sliding and session windows): the window is closed once stream time − grace reaches it.
/// </summary>
internal sealed record WindowedTableInfo<TKey>(long GraceMs, Func<TKey, long> ClosesAt);
