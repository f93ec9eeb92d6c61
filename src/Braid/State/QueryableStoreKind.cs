namespace Braid.State;

/// <summary>What kind of store a name refers to, and so which getter of <see cref="IQueryableStores"/> reads it.</summary>
public enum QueryableStoreKind
{
    /// <summary>Plain values per key: <see cref="IQueryableStores.GetKeyValueStore{TKey,TValue}"/>.</summary>
    KeyValue,

    /// <summary>Values with timestamps per key (tables, aggregates): <see cref="IQueryableStores.GetTimestampedKeyValueStore{TKey,TValue}"/>.</summary>
    TimestampedKeyValue,

    /// <summary>Plain values per key and time: <see cref="IQueryableStores.GetWindowStore{TKey,TValue}"/>.</summary>
    Window,

    /// <summary>Windowed aggregates with timestamps: <see cref="IQueryableStores.GetTimestampedWindowStore{TKey,TValue}"/>.</summary>
    TimestampedWindow,

    /// <summary>Session aggregates: <see cref="IQueryableStores.GetSessionStore{TKey,TValue}"/>.</summary>
    Session,

    /// <summary>Versioned tables: <see cref="IQueryableStores.GetVersionedStore{TKey,TValue}"/>.</summary>
    Versioned,
}
