using Braid.State;

namespace Braid.Internal.State.Logging;

/// <summary>
/// Builds stores with the inner factory and wraps each logged store so its writes also go to the store's
/// <see cref="IChangeSink"/> — the Kafka host's changelog partition, or a journal backend's pending commit.
/// A store with no sink (<paramref name="sinkFor"/> returns null: not logged) is returned unwrapped.
/// </summary>
internal sealed class ChangeLoggingStoreFactory(IStoreFactory inner, Func<string, IChangeSink?> sinkFor) : IStoreFactory
{
    public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateKeyValueStore(builder);
        return sinkFor(builder.Name) is { } s ? new ChangeLoggingKeyValueStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, s) : store;
    }

    public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateVersionedKeyValueStore(builder);
        return sinkFor(builder.Name) is { } s ? new ChangeLoggingVersionedStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, s) : store;
    }

    public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateWindowStore(builder);
        return sinkFor(builder.Name) is { } s
            ? new ChangeLoggingWindowStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, builder.RetainDuplicates, s)
            : store;
    }

    public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder)
    {
        var store = inner.CreateSessionStore(builder);
        return sinkFor(builder.Name) is { } s ? new ChangeLoggingSessionStore<TKey, TValue>(store, builder.KeySerde, builder.ValueSerde, s) : store;
    }
}
