using Braid.Internal.Tables;
using Braid.State;

namespace Braid.Internal.Windowed;

/// <summary>Reads a time- or sliding-windowed table: the aggregate stored under the key and window start.</summary>
internal sealed class WindowStoreValueGetterSupplier<TKey, TAgg>(string storeName) : TableValueGetterSupplier<Windowed<TKey>, TAgg>
{
    public override string[] StoreNames => [storeName];

    public override ITableValueGetter<Windowed<TKey>, TAgg> Create(TaskContext context) =>
        new Getter(context.GetStore<IWindowStore<TKey, ValueAndTimestamp<TAgg>>>(storeName));

    private sealed class Getter(IWindowStore<TKey, ValueAndTimestamp<TAgg>> store) : ITableValueGetter<Windowed<TKey>, TAgg>
    {
        private readonly List<TimestampedValue<ValueAndTimestamp<TAgg>>> _found = new(1);

        public bool TryGet(Windowed<TKey> key, out ValueAndTimestamp<TAgg> value)
        {
            _found.Clear();
            bool found = store.Fetch(key.Key, key.Window.Start, key.Window.Start, _found) > 0;
            value = found ? _found[0].Value : default;
            return found;
        }
    }
}

/// <summary>Reads a session-windowed table; the timestamp of a session's value is its end, as in Kafka.</summary>
internal sealed class SessionStoreValueGetterSupplier<TKey, TAgg>(string storeName) : TableValueGetterSupplier<Windowed<TKey>, TAgg>
{
    public override string[] StoreNames => [storeName];

    public override ITableValueGetter<Windowed<TKey>, TAgg> Create(TaskContext context) =>
        new Getter(context.GetStore<ISessionStore<TKey, TAgg>>(storeName));

    private sealed class Getter(ISessionStore<TKey, TAgg> store) : ITableValueGetter<Windowed<TKey>, TAgg>
    {
        public bool TryGet(Windowed<TKey> key, out ValueAndTimestamp<TAgg> value)
        {
            bool found = store.TryFetchSession(key.Key, key.Window.Start, key.Window.End, out var agg);
            value = found ? new ValueAndTimestamp<TAgg>(agg, key.Window.End) : default;
            return found;
        }
    }
}
