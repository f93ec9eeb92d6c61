using Braid.Internal.Windowed;
using Braid.Serialization;
using Braid.State;

namespace Braid;

/// <summary>
/// A grouped stream windowed by time or sliding windows (Kafka's TimeWindowedKStream): count, reduce or
/// aggregate per key and window into a table keyed by <see cref="Windowed{TKey}"/>.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class TimeWindowedKStream<TKey, TValue>
{
    private readonly KGroupedStream<TKey, TValue> _grouped;
    private readonly WindowKind _windows;
    private readonly EmitStrategy _emit;
    private readonly Action<LateRecord<TKey, TValue>>? _lateHandler;

    internal TimeWindowedKStream(KGroupedStream<TKey, TValue> grouped, WindowKind windows, EmitStrategy? emit = null,
        Action<LateRecord<TKey, TValue>>? lateHandler = null)
    {
        _grouped = grouped;
        _windows = windows;
        _emit = emit ?? Braid.EmitStrategy.OnWindowUpdate();
        _lateHandler = lateHandler;
    }

    /// <summary>When results are emitted: on every update (default) or once per window when it closes (KIP-825).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>A windowed stream with this strategy.</returns>
    public TimeWindowedKStream<TKey, TValue> EmitStrategy(EmitStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new(_grouped, _windows, strategy, _lateHandler);
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for each record dropped because all its windows had closed (it is
    /// also counted as dropped, reason <c>expired-window</c>). Runs on the processing thread; an exception fails the task.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>A windowed stream with this handler.</returns>
    public TimeWindowedKStream<TKey, TValue> WithLateRecordHandler(Action<LateRecord<TKey, TValue>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(_grouped, _windows, _emit, handler);
    }

    /// <summary>Counts records per key and window (null keys and values are dropped and counted).</summary>
    /// <param name="materialized">Store name, serdes, retention.</param>
    /// <returns>The windowed table of counts.</returns>
    public KTable<Windowed<TKey>, long> Count(Materialized<TKey, long>? materialized = null) =>
        Build(() => 0L, (_, _, c) => c + 1, null, materialized, "KSTREAM-AGGREGATE-", Serdes.Int64);

    /// <summary>Combines the values of each key and window (the first value starts the aggregate).</summary>
    /// <param name="reducer">Combines the aggregate so far with a new value.</param>
    /// <param name="materialized">Store name, serdes, retention.</param>
    /// <returns>The windowed table of reduced values.</returns>
    public KTable<Windowed<TKey>, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Materialized<TKey, TValue>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        return Build<TValue>(null, (_, v, agg) => reducer(agg, v), v => v, materialized, "KSTREAM-REDUCE-", _grouped.ValueSerde);
    }

    /// <summary>Folds the values of each key and window into an aggregate.</summary>
    /// <param name="initializer">The starting aggregate of a new window.</param>
    /// <param name="aggregator">Adds a value to the aggregate.</param>
    /// <param name="materialized">Store name, serdes, retention.</param>
    /// <typeparam name="TAgg">Aggregate type.</typeparam>
    /// <returns>The windowed table of aggregates.</returns>
    public KTable<Windowed<TKey>, TAgg> Aggregate<TAgg>(Func<TAgg> initializer, Func<TKey, TValue, TAgg, TAgg> aggregator,
        Materialized<TKey, TAgg>? materialized = null)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(aggregator);
        return Build(initializer, aggregator, null, materialized, "KSTREAM-AGGREGATE-", null);
    }

    private KTable<Windowed<TKey>, TAgg> Build<TAgg>(Func<TAgg>? initializer, Func<TKey, TValue, TAgg, TAgg> aggregator, Func<TValue, TAgg>? first,
        Materialized<TKey, TAgg>? m, string prefix, Serde<TAgg>? aggSerde)
    {
        var b = _grouped.Builder.Internal;
        if (m?.VersionedHistoryRetention is not null)
            throw new TopologyException($"a windowed aggregation cannot be versioned ('{m.StoreName}'); set Retention instead.");
        var ks = m?.KeySerde ?? _grouped.KeySerde ?? Serdes.Default<TKey>();
        var vs = m?.ValueSerde ?? aggSerde ?? Serdes.Default<TAgg>();
        long retention = WindowedStores.Retention(m?.Retention, _windows.MinRetentionMs, m?.StoreName);
        string store = m?.StoreName ?? b.NewStoreName(prefix);
        b.AddStore(new WindowStoreBuilder<TKey, ValueAndTimestamp<TAgg>>(store, TimeSpan.FromMilliseconds(retention), false, ks, new ValueAndTimestampSerde<TAgg>(vs))
        {
            LoggingEnabled = m?.LoggingEnabled ?? true,
            InMemory = m?.InMemory ?? false,
        });
        var windowedSerde = new TimeWindowedSerde<TKey>(ks, _windows.SizeMs);
        string? emitStore = _emit.IsOnWindowClose ? WindowedStores.AddEmitBuffer(b, store, windowedSerde, vs, m) : null;
        string n = b.NewName(prefix);
        var spec = new WindowAggregateSpec<TKey, TValue, TAgg>(store, initializer, aggregator, first, _windows.GraceMs, emitStore, windowedSerde, _lateHandler);
        var windows = _windows;
        b.AddProcessor(n, () => windows.TimeWindows is not null
            ? new TimeWindowAggregate<TKey, TValue, TAgg>(n, spec, windows.TimeWindows)
            : new SlidingWindowAggregate<TKey, TValue, TAgg>(n, spec, windows.SlidingWindows!), _grouped.NodeName);
        b.ConnectStores(n, emitStore is null ? [store] : [store, emitStore]);
        return new KTable<Windowed<TKey>, TAgg>(_grouped.Builder, n, windowedSerde, vs, new WindowStoreValueGetterSupplier<TKey, TAgg>(store), store)
        {
            Windowing = new WindowedTableInfo<Windowed<TKey>>(_windows.GraceMs, w => w.Window.End),
        };
    }
}
