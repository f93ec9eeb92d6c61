using Braid.Internal.Joins.ForeignKey;
using Braid.Serialization;
using Braid.State;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A subscription store that held no key when it began (a new task's, or one whose discarded writes leave an empty
/// committed state) keeps every group in memory: its group scans never read RocksDB nor build the sorted index of pending
/// keys. Once the cache cannot hold every group (its bound, a reopen over committed keys) scans read RocksDB again; the
/// model test in <see cref="PrefixGroupCacheTests"/> checks the answers in every state, these the state itself.
/// </summary>
public sealed class CompleteGroupCacheTests
{
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private static readonly CombinedKeySerde<string, string> Keys = new(Serdes.String, Serdes.String);
    private static readonly KeyValueStoreBuilder<CombinedKey<string, string>, string> Subscriptions = new("subscriptions", Keys, Serdes.String);

    [Fact]
    public void ANewStore_KeepsEveryGroup_AcrossCommits_AndAnswersAnUnwrittenGroupAsEmpty()
    {
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var store = (RocksKeyValueStore<CombinedKey<string, string>, string>)task.Stores.CreateKeyValueStore(Subscriptions);
        store.Put(new("1", "b"), "x");
        store.Put(new("1", "a"), "y");
        store.Put(new("2", "a"), "z");
        Assert.True(store.GroupsComplete);
        Assert.Equal(2, store.CachedGroups); // both groups held without any scan
        shared.Backend.Commit([task], NoMetadata);
        Assert.True(store.Delete(new("2", "a")));
        Assert.Equal(1, store.CachedGroups); // an emptied group goes: not held means empty
        Assert.Empty(store.PrefixScan("2", Keys.PrefixSerde));
        Assert.Empty(store.PrefixScan("10", Keys.PrefixSerde));
        Assert.Equal(["a", "b"], store.PrefixScan("1", Keys.PrefixSerde).Select(e => e.Key.Primary));
        Assert.Equal(1, store.CachedGroups); // empty groups are not cached
        Assert.True(store.GroupsComplete);
        task.Dispose();
    }

    [Fact]
    public void AStoreReopenedOverCommittedKeys_IsPartial_UntilADiscardOverAnEmptyState_MakesItCompleteAgain()
    {
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var id = task.TaskId;
        task.Stores.CreateKeyValueStore(Subscriptions).Put(new("1", "a"), "x");
        shared.Backend.Commit([task], NoMetadata);
        task.Dispose();
        task = shared.Backend.OpenTask(id);
        var store = (RocksKeyValueStore<CombinedKey<string, string>, string>)task.Stores.CreateKeyValueStore(Subscriptions);
        Assert.Empty(store.PrefixScan("2", Keys.PrefixSerde));
        Assert.False(store.GroupsComplete);
        Assert.Equal(["a"], store.PrefixScan("1", Keys.PrefixSerde).Select(e => e.Key.Primary)); // read from RocksDB
        Assert.True(store.Delete(new("1", "a")));
        shared.Backend.Commit([task], NoMetadata); // the task's range is empty now
        store.Put(new("3", "a"), "y");
        task.DiscardPending();
        Assert.Empty(store.PrefixScan("3", Keys.PrefixSerde)); // decided again: empty state, complete
        Assert.True(store.GroupsComplete);
        task.Dispose();
    }

    [Fact]
    public void ACacheOverItsBound_IsPartial_AndItsScansStillSeeEveryGroup()
    {
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = 4 });
        var task = shared.NewTask();
        var store = (RocksKeyValueStore<CombinedKey<string, string>, string>)task.Stores.CreateKeyValueStore(Subscriptions);
        store.Put(new("1", "a"), "x");
        Assert.True(store.GroupsComplete);
        store.Put(new("2", "a"), "y");
        store.Put(new("3", "a"), "z"); // 3 groups + 3 members > 4
        Assert.False(store.GroupsComplete);
        Assert.Equal(["a"], store.PrefixScan("1", Keys.PrefixSerde).Select(e => e.Key.Primary));
        Assert.Equal(["a"], store.PrefixScan("3", Keys.PrefixSerde).Select(e => e.Key.Primary));
        task.Dispose();
    }
}
