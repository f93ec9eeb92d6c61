using Braid.Internal.State;
using Braid.State;

namespace Braid.Kafka.Internal.State;

/// <summary>
/// Builds a task's stores with the inner factory (in memory) and wraps each logged store so its writes
/// also go to its changelog partition through the task's producer.
/// </summary>
internal sealed class ChangeloggingStoreFactory(IStoreFactory inner, Func<string, ChangelogTarget?> targetFor) : IStoreFactory
{
    public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateKeyValueStore(builder);
        return targetFor(builder.Name) is { } t ? new ChangeloggingKeyValueStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, t) : store;
    }

    public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateVersionedKeyValueStore(builder);
        return targetFor(builder.Name) is { } t ? new ChangeloggingVersionedStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, t) : store;
    }

    public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateWindowStore(builder);
        return targetFor(builder.Name) is { } t
            ? new ChangeloggingWindowStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, builder.RetainDuplicates, t)
            : store;
    }

    public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateSessionStore(builder);
        return targetFor(builder.Name) is { } t ? new ChangeloggingSessionStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, t) : store;
    }
}
