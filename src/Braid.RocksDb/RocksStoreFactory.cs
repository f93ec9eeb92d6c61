namespace Braid.RocksDb;

/// <summary>
/// Builds one task's RocksDB stores: either the task's own (writes pending until the backend commits,
/// registered with the task so the commit finds them) or read-only views of committed state.
/// Builders marked <see cref="StoreBuilder.InMemory"/> never reach this factory (the topology model
/// builds them in memory), so every store built here is persistent.
/// </summary>
internal sealed class RocksStoreFactory(RocksTaskState task, bool committedOnly) : IStoreFactory
{
    public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksKeyValueStore<TKey, TValue>(task.Database, task.TaskId, builder, task.CacheEntries, committedOnly);
        return committedOnly ? new CommittedKeyValueView<TKey, TValue>(store) : Own(store);
    }

    public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksVersionedStore<TKey, TValue>(task.Database, task.TaskId, builder, task.CacheEntries, committedOnly);
        return committedOnly ? new CommittedVersionedView<TKey, TValue>(store) : Own(store);
    }

    public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksWindowStore<TKey, TValue>(task.Database, task.TaskId, builder, task.CacheEntries, committedOnly);
        return committedOnly ? new CommittedWindowView<TKey, TValue>(store) : Own(store);
    }

    public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksSessionStore<TKey, TValue>(task.Database, task.TaskId, builder, committedOnly);
        return committedOnly ? new CommittedSessionView<TKey, TValue>(store) : Own(store);
    }

    /// <summary>A store of the task itself, registered so the backend's commit writes it.</summary>
    private TStore Own<TStore>(TStore store) where TStore : ICommittable
    {
        task.Register(store);
        return store;
    }
}
