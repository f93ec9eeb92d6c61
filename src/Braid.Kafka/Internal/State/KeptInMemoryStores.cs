using Braid.Internal.State;
using Braid.State;

namespace Braid.Kafka.Internal.State;

/// <summary>
/// The in-memory stores of one task, kept across its change from standby to active on this instance. A standby builds
/// its in-memory stores through this factory (which remembers them); when the stream thread takes the task over, the
/// active task is built through the same factory and gets the very same store objects back, already filled from the
/// changelog, so only the changelog after the standby's position is restored. Kafka Streams does the same: a standby
/// promoted on its instance is recycled into the active task with its state manager and stores
/// (<c>TaskManager</c> → <c>ActiveTaskCreator.createActiveTaskFromStandby</c>), in-memory stores included.
/// <para>The factory holds the inner (not logged) stores: each task wraps them in its own change-logging decorator,
/// the standby's never logging, the active's logging to its producer.</para>
/// </summary>
internal sealed class KeptInMemoryStores : IStoreFactory
{
    private readonly Dictionary<string, IStateStore> _stores = new(StringComparer.Ordinal);

    /// <summary>Names of the stores built so far (the ones a closing standby must leave open for the active task).</summary>
    public IReadOnlyCollection<string> Names => _stores.Keys;

    /// <summary>Closes the kept stores and forgets them (a dropped hand-over no standby reuses).</summary>
    public void CloseAll()
    {
        foreach (var store in _stores.Values) store.Close();
        _stores.Clear();
    }

    public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder) =>
        Kept(builder.Name, () => InMemoryStoreFactory.Instance.CreateKeyValueStore(builder));

    public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder) =>
        Kept(builder.Name, () => InMemoryStoreFactory.Instance.CreateVersionedKeyValueStore(builder));

    public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder) =>
        Kept(builder.Name, () => InMemoryStoreFactory.Instance.CreateWindowStore(builder));

    public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder) =>
        Kept(builder.Name, () => InMemoryStoreFactory.Instance.CreateSessionStore(builder));

    private T Kept<T>(string name, Func<T> create) where T : IStateStore
    {
        if (_stores.TryGetValue(name, out var kept))
        {
            // The same topology builds the same store types; a mismatch would pair a fresh store with the standby's
            // changelog position (lost state), so it is a bug, never a silent fresh store.
            return kept is T t ? t : throw new InvalidOperationException(
                $"store '{name}' was kept as {kept.GetType().Name} but the task now builds a {typeof(T).Name}.");
        }
        var store = create();
        _stores[name] = store;
        return store;
    }
}
