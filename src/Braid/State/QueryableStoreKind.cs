namespace Braid.State;

/// <summary>What kind of store a name refers to, and so which getter of <see cref="IQueryableStores"/> reads it.</summary>
public enum QueryableStoreKind
{
    /// <summary>Plain values per key: <see cref="QueryableStoresExtensions.GetKeyValueStore{TKey,TValue}"/>.</summary>
    KeyValue,

    /// <summary>Values with timestamps per key (tables, aggregates): <see cref="QueryableStoresExtensions.GetTimestampedKeyValueStore{TKey,TValue}"/>.</summary>
    TimestampedKeyValue,

    /// <summary>Plain values per key and time: <see cref="QueryableStoresExtensions.GetWindowStore{TKey,TValue}"/>.</summary>
    Window,

    /// <summary>Windowed aggregates with timestamps: <see cref="QueryableStoresExtensions.GetTimestampedWindowStore{TKey,TValue}"/>.</summary>
    TimestampedWindow,

    /// <summary>Session aggregates: <see cref="QueryableStoresExtensions.GetSessionStore{TKey,TValue}"/>.</summary>
    Session,

    /// <summary>Versioned tables: <see cref="QueryableStoresExtensions.GetVersionedStore{TKey,TValue}"/>.</summary>
    Versioned,
}
