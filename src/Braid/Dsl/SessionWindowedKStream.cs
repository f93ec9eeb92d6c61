using Braid.Internal.Windowed;
using Braid.Serialization;
using Braid.State;

namespace Braid;

/// <summary>
/// A grouped stream windowed by sessions (Kafka's SessionWindowedKStream): count, reduce or aggregate per
/// key and session into a table keyed by <see cref="Windowed{TKey}"/>. Merged sessions are retracted with tombstones.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class SessionWindowedKStream<TKey, TValue>
{
    private readonly KGroupedStream<TKey, TValue> _grouped;
    private readonly SessionWindows _windows;
    private readonly EmitStrategy _emit;
    private readonly Action<LateRecord<TKey, TValue>>? _lateHandler;

    internal SessionWindowedKStream(KGroupedStream<TKey, TValue> grouped, SessionWindows windows, EmitStrategy emit,
        Action<LateRecord<TKey, TValue>>? lateHandler)
    {
        _grouped = grouped;
        _windows = windows;
        _emit = emit;
        _lateHandler = lateHandler;
    }

    /// <summary>When results are emitted: on every update (default) or once per session when it closes (KIP-825).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>A session-windowed stream with this strategy.</returns>
    public SessionWindowedKStream<TKey, TValue> EmitStrategy(EmitStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new(_grouped, _windows, strategy, _lateHandler);
    }

    /// <summary>Calls <paramref name="handler"/> for each record dropped because its session had closed (also counted as dropped, <c>expired-window</c>).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>A session-windowed stream with this handler.</returns>
    public SessionWindowedKStream<TKey, TValue> WithLateRecordHandler(Action<LateRecord<TKey, TValue>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(_grouped, _windows, _emit, handler);
    }

    /// <summary>Counts records per key and session.</summary>
    /// <param name="materialized">Store name, serdes, retention.</param>
    /// <returns>The session-windowed table of counts.</returns>
    public KTable<Windowed<TKey>, long> Count(Materialized<TKey, long>? materialized = null) =>
        Build(() => 0L, (_, _, c) => c + 1, null, (_, a, b) => a + b, materialized, "KSTREAM-AGGREGATE-", Serdes.Int64);

    /// <summary>Combines the values of each session; merging sessions combines their reduced values.</summary>
    /// <param name="reducer">Combines two values (the older aggregate first).</param>
    /// <param name="materialized">Store name, serdes, retention.</param>
    /// <returns>The session-windowed table of reduced values.</returns>
    public KTable<Windowed<TKey>, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        return Build<TValue>(null, (_, v, agg) => reducer(agg, v), v => v, (_, a, b) => reducer(a, b), materialized, "KSTREAM-REDUCE-", _grouped.ValueSerde);
    }

    /// <summary>Folds the values of each session into an aggregate.</summary>
    /// <param name="initializer">The starting aggregate of a new session.</param>
    /// <param name="aggregator">Adds a value to the aggregate.</param>
    /// <param name="sessionMerger">Combines the aggregates of two sessions a record joins together.</param>
    /// <param name="materialized">Store name, serdes, retention.</param>
    /// <typeparam name="TAgg">Aggregate type.</typeparam>
    /// <returns>The session-windowed table of aggregates.</returns>
    public KTable<Windowed<TKey>, TAgg> Aggregate<TAgg>(Func<TAgg> initializer, Func<TKey, TValue, TAgg, TAgg> aggregator,
        Func<TKey, TAgg, TAgg, TAgg> sessionMerger, Materialized<TKey, TAgg>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(aggregator);
        ArgumentNullException.ThrowIfNull(sessionMerger);
        return Build(initializer, aggregator, null, sessionMerger, materialized, "KSTREAM-AGGREGATE-", null);
    }

    private KTable<Windowed<TKey>, TAgg> Build<TAgg>(Func<TAgg>? initializer, Func<TKey, TValue, TAgg, TAgg> aggregator, Func<TValue, TAgg>? first,
        Func<TKey, TAgg, TAgg, TAgg> merger, Materialized<TKey, TAgg>? m, string prefix, Serde<TAgg>? aggSerde)
    {
        var b = _grouped.Builder.Internal;
        if (m?.VersionedHistoryRetention is not null)
            throw new TopologyException($"a session aggregation cannot be versioned ('{m.StoreName}'); set Retention instead.");
        var ks = m?.KeySerde ?? _grouped.KeySerde ?? Serdes.Default<TKey>();
        var vs = m?.ValueSerde ?? aggSerde ?? Serdes.Default<TAgg>();
        long retention = WindowedStores.Retention(m?.Retention, _windows.InactivityGapMs + _windows.GraceMs, m?.StoreName);
        string store = m?.StoreName ?? b.NewStoreName(prefix);
        b.AddStore(new SessionStoreBuilder<TKey, TAgg>(store, TimeSpan.FromMilliseconds(retention), ks, vs)
        {
            LoggingEnabled = m?.LoggingEnabled ?? true,
            InMemory = m?.InMemory ?? false,
        });
        var windowedSerde = new SessionWindowedSerde<TKey>(ks);
        string? emitStore = _emit.IsOnWindowClose ? WindowedStores.AddEmitBuffer(b, store, windowedSerde, vs, m) : null;
        string n = b.NewName(prefix);
        var spec = new WindowAggregateSpec<TKey, TValue, TAgg>(store, initializer, aggregator, first, _windows.GraceMs, emitStore, windowedSerde, _lateHandler);
        var windows = _windows;
        b.AddProcessor(n, () => new SessionWindowAggregate<TKey, TValue, TAgg>(n, spec, windows, merger), _grouped.NodeName);
        b.ConnectStores(n, emitStore is null ? [store] : [store, emitStore]);
        return new KTable<Windowed<TKey>, TAgg>(_grouped.Builder, n, windowedSerde, vs, new SessionStoreValueGetterSupplier<TKey, TAgg>(store), store)
        {
            Windowing = new WindowedTableInfo<Windowed<TKey>>(_windows.GraceMs, w => w.Window.End),
        };
    }
}

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
