using Braid.State;

namespace Braid.Queries;

/// <summary>
/// Reads one store with its own key and value types (from <see cref="IQueryableStores.DescribeStores"/>), for an
/// endpoint that only has the store's name and a JSON key. One instance per (key, value) type pair, made by reflection
/// once; the reads themselves are ordinary typed calls.
/// </summary>
internal abstract class StoreReader
{
    public static StoreReader For(QueryableStoreInfo info) =>
        (StoreReader)Activator.CreateInstance(typeof(StoreReader<,>).MakeGenericType(info.KeyType, info.ValueType))!;

    public abstract Type KeyType { get; }

    /// <summary>A key–value, timestamped key–value or versioned lookup (as of <paramref name="asOf"/> when given).</summary>
    public abstract (bool Found, object? Value) Get(IQueryableStores stores, QueryableStoreInfo info, object key, long? asOf, StoreQueryParameters parameters);

    /// <summary>A window fetch (values by time) or a session search (sessions ending from <paramref name="from"/>, starting until <paramref name="to"/>).</summary>
    public abstract object Fetch(IQueryableStores stores, QueryableStoreInfo info, object key, long from, long to, StoreQueryParameters parameters);
}

internal sealed class StoreReader<TKey, TValue> : StoreReader
{
    public override Type KeyType => typeof(TKey);

    public override (bool Found, object? Value) Get(IQueryableStores stores, QueryableStoreInfo info, object key, long? asOf, StoreQueryParameters parameters)
    {
        var k = (TKey)key;
        switch (info.Kind)
        {
            case QueryableStoreKind.KeyValue:
                return stores.GetKeyValueStore<TKey, TValue>(info.Name, parameters).TryGet(k, out var v) ? (true, v) : (false, null);
            case QueryableStoreKind.TimestampedKeyValue:
                return stores.GetTimestampedKeyValueStore<TKey, TValue>(info.Name, parameters).TryGet(k, out var t) ? (true, t) : (false, null);
            case QueryableStoreKind.Versioned:
                var versioned = stores.GetVersionedStore<TKey, TValue>(info.Name, parameters);
                bool found = asOf is { } time ? versioned.TryGet(k, time, out var r) : versioned.TryGet(k, out r);
                return found ? (true, r) : (false, null);
            default:
                throw new InvalidStateStoreException(info.Name, $"Store '{info.Name}' is a {info.Kind} store: look keys up with /fetch (by time), not /get.");
        }
    }

    public override object Fetch(IQueryableStores stores, QueryableStoreInfo info, object key, long from, long to, StoreQueryParameters parameters)
    {
        var k = (TKey)key;
        return info.Kind switch
        {
            QueryableStoreKind.Window => stores.GetWindowStore<TKey, TValue>(info.Name, parameters).Fetch(k, from, to).ToList(),
            QueryableStoreKind.TimestampedWindow => stores.GetTimestampedWindowStore<TKey, TValue>(info.Name, parameters).Fetch(k, from, to).ToList(),
            QueryableStoreKind.Session => stores.GetSessionStore<TKey, TValue>(info.Name, parameters).FindSessions(k, from, to)
                .Select(s => new SessionValue<TValue>(s.Key.Window.Start, s.Key.Window.End, s.Value)).ToList(),
            _ => throw new InvalidStateStoreException(info.Name, $"Store '{info.Name}' is a {info.Kind} store: look keys up with /get, not /fetch."),
        };
    }
}
