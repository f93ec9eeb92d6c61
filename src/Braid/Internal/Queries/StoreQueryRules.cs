using Braid.State;

namespace Braid.Internal.Queries;

/// <summary>
/// The one place every host decides whether a store can be queried as asked, and the one wording of the errors
/// (the test driver's, kept for all three hosts). The store's kind and types come from the topology's store
/// builder, not from the host's store object, so the answer is the same whatever wraps the store where it runs.
/// Kafka's rules: <c>KafkaStreams.store</c> (state check), <c>QueryableStoreProvider</c> (unknown store),
/// <c>WrappingStoreProvider</c> ("may have migrated to another instance", partition check).
/// </summary>
internal static class StoreQueryRules
{
    public static IReadOnlyList<QueryableStoreInfo> Describe(TopologyModel model) =>
        model.Stores.Values.OrderBy(b => b.Name, StringComparer.Ordinal).Select(b => Info(b, model.GlobalStoreNames.Contains(b.Name))).ToList();

    public static QueryableStoreInfo Info(StoreBuilder builder, bool global)
    {
        var args = builder.GetType().GetGenericArguments();
        Type key = args[0], value = args[1];
        bool stamped = value.IsGenericType && value.GetGenericTypeDefinition() == typeof(ValueAndTimestamp<>);
        var kind = builder.Kind switch
        {
            "KeyValue" => stamped ? QueryableStoreKind.TimestampedKeyValue : QueryableStoreKind.KeyValue,
            "Window" => stamped ? QueryableStoreKind.TimestampedWindow : QueryableStoreKind.Window,
            "Session" => QueryableStoreKind.Session,
            "Versioned" => QueryableStoreKind.Versioned,
            _ => throw new InvalidOperationException($"unknown store kind {builder.Kind}"),
        };
        return new QueryableStoreInfo(builder.Name, kind, key, stamped && kind != QueryableStoreKind.Session ? value.GetGenericArguments()[0] : value, global);
    }

    /// <summary>The store's builder when it exists and is of the asked kind and types; otherwise the typed error.</summary>
    public static StoreBuilder Check(TopologyModel model, string name, QueryableStoreKind kind, Type key, Type value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!model.Stores.TryGetValue(name, out var builder)) throw Unknown(model, name);
        // GetKeyValueStore<K, ValueAndTimestamp<V>> is GetTimestampedKeyValueStore<K, V> (and so for windows).
        if (kind is QueryableStoreKind.KeyValue or QueryableStoreKind.Window && value.IsGenericType && value.GetGenericTypeDefinition() == typeof(ValueAndTimestamp<>))
        {
            kind = kind == QueryableStoreKind.KeyValue ? QueryableStoreKind.TimestampedKeyValue : QueryableStoreKind.TimestampedWindow;
            value = value.GetGenericArguments()[0];
        }
        var info = Info(builder, model.GlobalStoreNames.Contains(name));
        if (info.Kind != kind || info.KeyType != key || info.ValueType != value)
        {
            throw new InvalidStateStoreException(name, $"Store '{name}' is a {What(info.Kind, info.KeyType, info.ValueType)}, not a {What(kind, key, value)}; " +
                $"read it with {Getter(info.Kind)}<{TypeName(info.KeyType)}, {TypeName(info.ValueType)}>(\"{name}\").");
        }
        return builder;
    }

    public static UnknownStateStoreException Unknown(TopologyModel model, string name) => Unknown(model.Stores.Keys, name);

    public static UnknownStateStoreException Unknown(IEnumerable<string> stores, string name) =>
        new(name, $"No store named '{name}'. Stores: {string.Join(", ", stores.Order(StringComparer.Ordinal))}.");

    public static StateStoreNotAvailableException NotAvailable(string name, StreamsState state) =>
        new(name, $"Store '{name}' cannot be queried while the application is {state}; stores are queryable while it is Running or Rebalancing.");

    public static StateStoreMigratedException NotHere(string name, int? partition) =>
        new(name, $"Store '{name}'{(partition is { } p ? $" partition {p}" : "")} is not queryable on this instance now: it may have migrated to another " +
                  "instance in a rebalance, or its task is still restoring. Find its host with QueryMetadataForKey and retry.");

    public static StateStoreMigratedException Closed(string name) =>
        new(name, $"Store '{name}' was closed while being queried (its task moved in a rebalance). Find its host with QueryMetadataForKey and retry.");

    public static InvalidStateStoreException NoSuchPartition(string name, int partition, int partitions) =>
        new(name, $"Store '{name}' has no partition {partition}: it has {partitions} partition{(partitions == 1 ? "" : "s")} (0 to {partitions - 1}).");

    public static string What(QueryableStoreKind kind, Type key, Type value) => kind switch
    {
        QueryableStoreKind.KeyValue => "key–value store",
        QueryableStoreKind.TimestampedKeyValue => "timestamped key–value store",
        QueryableStoreKind.Window => "window store",
        QueryableStoreKind.TimestampedWindow => "timestamped window store",
        QueryableStoreKind.Session => "session store",
        _ => "versioned store",
    } + $" of {TypeName(key)} → {TypeName(value)}";

    private static string Getter(QueryableStoreKind kind) => "Get" + kind + "Store";

    /// <summary>A type as C# code names it (<c>ValueAndTimestamp&lt;Int64&gt;</c>, not <c>ValueAndTimestamp`1</c>).</summary>
    public static string TypeName(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner) return TypeName(inner) + "?";
        if (!t.IsGenericType) return t.Name;
        string name = t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>";
    }
}
