using Braid.Internal.State;
using Braid.State;

namespace Braid.RocksDb;

/// <summary>
/// Builds one task's RocksDB stores: either the task's own (writes pending until the backend commits,
/// registered with the task so the commit finds them) or read-only views of committed state.
/// Every store is persistent here, including those whose builder asks for memory: the embedded runtime
/// has no changelog to restore an in-memory store from, so only the backend can make it survive a crash.
/// </summary>
internal sealed class RocksStoreFactory(RocksTaskState task, bool committedOnly) : IStoreFactory
{
    public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksKeyValueStore<TKey, TValue>(task.Database, task.TaskId, builder, task.CacheEntries, committedOnly);
        if (committedOnly) return new CommittedKeyValueView<TKey, TValue>(store);
        task.Register(store);
        return store;
    }

    public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksVersionedStore<TKey, TValue>(task.Database, task.TaskId, builder, task.CacheEntries, committedOnly);
        if (committedOnly) return new CommittedVersionedView<TKey, TValue>(store);
        task.Register(store);
        return store;
    }

    public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksWindowStore<TKey, TValue>(task.Database, task.TaskId, builder, task.CacheEntries, committedOnly);
        if (committedOnly) return new CommittedWindowView<TKey, TValue>(store);
        task.Register(store);
        return store;
    }

    public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder)
    {
        var store = new RocksSessionStore<TKey, TValue>(task.Database, task.TaskId, builder, committedOnly);
        if (committedOnly) return new CommittedSessionView<TKey, TValue>(store);
        task.Register(store);
        return store;
    }
}
