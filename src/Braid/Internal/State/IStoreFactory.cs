using Braid.State;

namespace Braid.Internal.State;

/// <summary>
/// What a host supplies to build stores. The test driver builds in-memory stores; the embedded runtime
/// RocksDB stores (whose writes its commit makes durable in one batch); the Kafka host wraps its stores in the
/// write-logging decorators of Logging/ so every write is also a changelog record.
/// New store kinds add a method here and one implementation per host.
/// </summary>
internal interface IStoreFactory
{
    IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder);

    IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder);

    IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder);

    ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder);
}

/// <summary>The in-memory factory: the test driver's, and the fallback for <see cref="StoreBuilder.InMemory"/>.</summary>
internal sealed class InMemoryStoreFactory : IStoreFactory
{
    public static readonly InMemoryStoreFactory Instance = new();

    public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder) =>
        builder.KeySerde is IOwnInMemoryStore<TKey> own
            ? own.CreateInMemoryStore<TValue>(builder.Name)
            : new InMemoryKeyValueStore<TKey, TValue>(builder.Name, builder.KeySerde);

    public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder) =>
        new InMemoryVersionedKeyValueStore<TKey, TValue>(builder.Name, builder.HistoryRetention);

    public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder) =>
        new InMemoryWindowStore<TKey, TValue>(builder.Name, (long)builder.Retention.TotalMilliseconds, builder.RetainDuplicates);

    public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder) =>
        new InMemorySessionStore<TKey, TValue>(builder.Name, (long)builder.Retention.TotalMilliseconds, builder.KeySerde);
}
