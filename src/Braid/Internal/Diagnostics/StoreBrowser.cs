using System.Globalization;
using System.Text.Json;
using Braid.Internal.Queries;
using Braid.State;

namespace Braid.Internal.Diagnostics;

/// <summary>
/// Looks keys up in a running application's stores through its interactive queries (committed state on the embedded
/// runtime, the stream threads' stores on Kafka), with the same error wording as every other query. The page only
/// has text: the key is converted to the store's key type (string, integers, or JSON for other types), which
/// <see cref="IQueryableStores.DescribeStores"/> names.
/// </summary>
internal static class StoreBrowser
{
    public static StoreLookup Lookup(IDiagnosticsTarget app, string store, string key, long? asOf)
    {
        try
        {
            var stores = app.DescribeStores();
            var info = stores.FirstOrDefault(s => s.Name == store) ?? throw StoreQueryRules.Unknown(stores.Select(s => s.Name), store);
            if (info.Kind is not (QueryableStoreKind.KeyValue or QueryableStoreKind.TimestampedKeyValue or QueryableStoreKind.Versioned))
                return new StoreLookup(store, key, false, null, $"store '{store}' is a {StoreQueryRules.What(info.Kind, info.KeyType, info.ValueType)}: the browser reads key–value and versioned stores");
            var reader = (KeyLookup)Activator.CreateInstance(typeof(KeyLookup<,>).MakeGenericType(info.KeyType, info.ValueType))!;
            object typedKey = ParseKey(key, info.KeyType);
            var (found, value) = reader.Get(app, info, typedKey, asOf);
            if (!found && app.KeyElsewhere(store, info.KeyType, typedKey) is { } elsewhere) return new StoreLookup(store, key, false, null, elsewhere);
            return new StoreLookup(store, key, found, value, null);
        }
        catch (Exception e) when (e is StreamsException or InvalidOperationException or FormatException or JsonException or OverflowException)
        {
            return new StoreLookup(store, key, false, null, e.Message);
        }
    }

    private static object ParseKey(string key, Type type) =>
        type == typeof(string) ? key
        : type == typeof(int) ? int.Parse(key, CultureInfo.InvariantCulture)
        : type == typeof(long) ? long.Parse(key, CultureInfo.InvariantCulture)
        : JsonSerializer.Deserialize(key, type, JsonSerializerOptions.Web)
          ?? throw new FormatException($"the key must be JSON for a {type.Name}");

    private abstract class KeyLookup
    {
        public abstract (bool Found, object? Value) Get(IQueryableStores stores, QueryableStoreInfo info, object key, long? asOf);
    }

    private sealed class KeyLookup<TKey, TValue> : KeyLookup
    {
        public override (bool Found, object? Value) Get(IQueryableStores stores, QueryableStoreInfo info, object key, long? asOf)
        {
            var k = (TKey)key;
            switch (info.Kind)
            {
                case QueryableStoreKind.KeyValue:
                    return stores.GetKeyValueStore<TKey, TValue>(info.Name).TryGet(k, out var v) ? (true, v) : (false, null);
                case QueryableStoreKind.TimestampedKeyValue:
                    return stores.GetTimestampedKeyValueStore<TKey, TValue>(info.Name).TryGet(k, out var t) ? (true, t) : (false, null);
                default:
                    var versioned = stores.GetVersionedStore<TKey, TValue>(info.Name);
                    bool found = asOf is { } time ? versioned.TryGet(k, time, out var r) : versioned.TryGet(k, out r);
                    return found ? (true, r) : (false, null);
            }
        }
    }
}
