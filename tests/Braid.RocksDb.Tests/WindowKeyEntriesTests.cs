using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// The RocksDB window store keeps one in-memory entry per key: its pending puts and, once loaded, its committed entries
/// in one list, pending ones flagged (issue 19, session 13). These check what that list must never get wrong: a pending
/// put that overwrites a committed entry in place is still written; a key first written while the cache does not cover
/// the task is merged with what RocksDB holds; keys without pending puts stay within the cache size across many keys.
/// Mutations that fail them (each tried): the in-place overwrite keeping the committed entry's unflagged sequence
/// (<c>RocksWindowStore.Put</c>) fails <see cref="APendingOverwriteOfALoadedCommittedEntry_IsWritten_AndSurvivesACrash"/>
/// (and CacheCoverageTests' and WindowStoreExpiryTests' model properties; this file's property rarely draws two puts of
/// one key at one timestamp around a crash); a new key always taken as loaded (coverage ignored) fails
/// <see cref="AKeyFirstWrittenAfterAReopen_IsMergedWithItsCommittedEntries"/> and the property (caches 3 and 65,536); no
/// drop over the cache size at commit (<c>DropOverCapacity</c> not called) fails the property's bound (cache 3); fetched
/// keys kept past the cache size fails <see cref="FetchingManyCommittedKeys_KeepsNoMoreThanTheCacheSize"/>.
/// </summary>
public sealed class WindowKeyEntriesTests
{
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    [Fact]
    public void APendingOverwriteOfALoadedCommittedEntry_IsWritten_AndSurvivesACrash()
    {
        var builder = Builder(duplicates: false);
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var id = task.TaskId;
        var store = task.Stores.CreateWindowStore(builder);
        store.Put("k", "old", 10);
        shared.Backend.Commit([task], NoMetadata);
        Assert.Equal([new TimestampedValue<string>(10, "old")], store.Fetch("k", 0, 100)); // the key's list is loaded
        store.Put("k", "new", 10); // same timestamp, no duplicates: overwrites the committed entry in its list
        shared.Backend.Commit([task], NoMetadata);
        task.Dispose(); // a crash after the commit
        var reopened = shared.Backend.OpenTask(id).Stores.CreateWindowStore(builder);
        Assert.Equal([new TimestampedValue<string>(10, "new")], reopened.Fetch("k", 0, 100));
    }

    [Fact]
    public void AKeyFirstWrittenAfterAReopen_IsMergedWithItsCommittedEntries()
    {
        var builder = Builder(duplicates: true);
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var id = task.TaskId;
        var store = task.Stores.CreateWindowStore(builder);
        store.Put("k", "a", 10);
        store.Put("k", "b", 12);
        shared.Backend.Commit([task], NoMetadata);
        task.Dispose();
        // Reopened: the task's range is not empty, so the cache does not cover it; the key's first put holds only itself.
        task = shared.Backend.OpenTask(id);
        store = task.Stores.CreateWindowStore(builder);
        store.Put("k", "c", 12);
        store.Put("k", "d", 11);
        TimestampedValue<string>[] expected = [new(10, "a"), new(11, "d"), new(12, "b"), new(12, "c")];
        Assert.Equal(expected, store.Fetch("k", 0, 100));
        shared.Backend.Commit([task], NoMetadata);
        Assert.Equal(expected, store.Fetch("k", 0, 100));
        task.Dispose();
    }

    [Fact]
    public void FetchingManyCommittedKeys_KeepsNoMoreThanTheCacheSize()
    {
        var builder = Builder(duplicates: false);
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = 4 });
        var task = shared.NewTask();
        var id = task.TaskId;
        var store = task.Stores.CreateWindowStore(builder);
        for (int k = 0; k < 20; k++) store.Put("k" + k, "v" + k, 10);
        shared.Backend.Commit([task], NoMetadata);
        task.Dispose();
        task = shared.Backend.OpenTask(id);
        var store2 = task.Stores.CreateWindowStore(builder);
        for (int k = 0; k < 20; k++) Assert.Equal([new TimestampedValue<string>(10, "v" + k)], store2.Fetch("k" + k, 0, 100));
        Assert.Equal(4, Assert.IsType<RocksWindowStore<string, string>>(store2).HeldKeys);
        task.Dispose();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(65_536, false)]
    public void WindowStore_AgreesWithInMemory_OverManyKeys_AndHoldsAtMostTheCacheSizeAfterEachCommit(int cacheEntries, bool duplicates)
    {
        var builder = Builder(duplicates);
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = cacheEntries });
        var op = Gen.Select(Gen.Int[0, 12], Gen.Int[0, 11], Gen.Int[0, 30]);
        op.Array[1, 150].Sample(ops =>
        {
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateWindowStore(builder);
            var committed = new List<(string Key, string Value, long Ts)>();
            var pending = new List<(string Key, string Value, long Ts)>();
            var model = Replay(builder, committed);
            long clock = 0;
            int n = 0;
            foreach (var (kind, k, b) in ops)
            {
                switch (kind)
                {
                    case <= 4:
                        {
                            long ts = Math.Max(0, clock + b - 10); // mostly forward, sometimes late or expired
                            clock = Math.Max(clock, ts);
                            var put = ("k" + k, "v" + n++, ts);
                            pending.Add(put);
                            Assert.Equal(model.Put(put.Item1, put.Item2, ts), rocks.Put(put.Item1, put.Item2, ts));
                            break;
                        }
                    case <= 7:
                        {
                            long from = Math.Max(0, clock - b), to = from + b % 25;
                            Assert.Equal(model.Fetch("k" + k, from, to), rocks.Fetch("k" + k, from, to));
                            break;
                        }
                    case <= 9:
                        shared.Backend.Commit([task], NoMetadata);
                        committed.AddRange(pending);
                        pending.Clear();
                        int held = ((RocksWindowStore<string, string>)rocks).HeldKeys;
                        Assert.True(held <= cacheEntries, $"{held} keys held, cache size {cacheEntries}");
                        break;
                    case 10:
                        task.DiscardPending();
                        pending.Clear();
                        model = Replay(builder, committed);
                        break;
                    default:
                        task.Dispose(); // a crash before the commit
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateWindowStore(builder);
                        pending.Clear();
                        model = Replay(builder, committed);
                        break;
                }
            }
            for (int k = 0; k < 12; k++) Assert.Equal(model.Fetch("k" + k, 0, long.MaxValue), rocks.Fetch("k" + k, 0, long.MaxValue));
            task.Dispose();
        }, iter: 120);
    }

    private static WindowStoreBuilder<string, string> Builder(bool duplicates) =>
        new("win", TimeSpan.FromMilliseconds(20), duplicates, Serdes.String, Serdes.String);

    private static IWindowStore<string, string> Replay(WindowStoreBuilder<string, string> builder, List<(string Key, string Value, long Ts)> puts)
    {
        var model = InMemoryStoreFactory.Instance.CreateWindowStore(builder);
        foreach (var (key, value, ts) in puts) model.Put(key, value, ts);
        return model;
    }
}
