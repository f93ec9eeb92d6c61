using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// The window and key–value stores answer a cache miss without RocksDB while their cache holds every committed key of
/// the task (<see cref="CacheCoverage"/>: the task's range was empty, the cache never dropped an entry). These check that
/// such an answer is always what RocksDB holds: across puts, fetches, expiry, commits, failed commits (discard), crashes
/// before a commit and reopens, with caches small enough to drop entries and large enough never to, and with a neighbour
/// task holding committed entries of the same keys in the same column family.
/// Mutations that fail them: a commit not caching a newly committed key while covering (window: CommittedEntries then
/// answers "no entries" for a key RocksDB holds); coverage kept after the cache dropped entries; coverage kept across
/// DiscardPending (the cleared cache no longer holds the committed keys). The neighbour task checks that a fetch never
/// returns another task's entries; it cannot catch coverage learned from the wrong range (the neighbour always holds
/// entries, so such a mutation only loses coverage: slower, not wrong). The last test catches coverage lost needlessly.
/// CsCheck prints the seed of a failing case; replay it with Sample(..., seed: "that seed").
/// </summary>
public sealed class CacheCoverageTests
{
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    [Theory]
    [InlineData(4, true)]
    [InlineData(4, false)]
    [InlineData(65_536, true)]
    [InlineData(65_536, false)]
    public void CachedWindowStore_AgreesWithAReplayedInMemoryModel_AcrossCommitsDiscardsCrashesAndReopens(int cacheEntries, bool duplicates)
    {
        var builder = new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(20), duplicates, Serdes.String, Serdes.String);
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = cacheEntries });
        var op = Gen.Select(Gen.Int[0, 12], Gen.Int[0, 5], Gen.Int[0, 30]);
        op.Array[1, 120].Sample(ops =>
        {
            var neighbour = shared.NewTask(); // committed entries of the same keys in the same column family
            var other = neighbour.Stores.CreateWindowStore(builder);
            for (int k = 0; k < 6; k++) other.Put(Key(k), "neighbour", 1_000);
            shared.Backend.Commit([neighbour], NoMetadata);
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateWindowStore(builder);
            var committedPuts = new List<(string Key, string Value, long Ts)>();
            var pendingPuts = new List<(string Key, string Value, long Ts)>();
            var model = Replay(builder, committedPuts);
            long clock = 0;
            int n = 0;
            foreach (var (kind, k, b) in ops)
            {
                switch (kind)
                {
                    case <= 3:
                        {
                            // Mostly forward in time, sometimes back (late and expired puts).
                            long ts = Math.Max(0, clock + b - 12);
                            clock = Math.Max(clock, ts);
                            var put = (Key(k), "v" + n++, ts);
                            pendingPuts.Add(put);
                            Assert.Equal(model.Put(put.Item1, put.Item2, ts), rocks.Put(put.Item1, put.Item2, ts));
                            break;
                        }
                    case 4 or 5:
                        {
                            long from = Math.Max(0, clock - b), to = from + b % 25;
                            Assert.Equal(model.Fetch(Key(k), from, to), rocks.Fetch(Key(k), from, to));
                            break;
                        }
                    case 6:
                        for (int key = 0; key < 6; key++) Assert.Equal(model.Fetch(Key(key), 0, long.MaxValue), rocks.Fetch(Key(key), 0, long.MaxValue));
                        break;
                    case 7 or 8:
                        shared.Backend.Commit([task], NoMetadata);
                        committedPuts.AddRange(pendingPuts);
                        pendingPuts.Clear();
                        break;
                    case 9:
                        task.DiscardPending(); // a failed commit: the same store objects, back to the committed state
                        pendingPuts.Clear();
                        model = Replay(builder, committedPuts);
                        break;
                    default:
                        task.Dispose(); // a crash before the commit: pending writes are lost; the task reopens
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateWindowStore(builder);
                        pendingPuts.Clear();
                        model = Replay(builder, committedPuts);
                        break;
                }
            }
            for (int key = 0; key < 6; key++) Assert.Equal(model.Fetch(Key(key), 0, long.MaxValue), rocks.Fetch(Key(key), 0, long.MaxValue));
            Assert.Equal(model.ObservedStreamTime, rocks.ObservedStreamTime);
            Assert.Equal([new TimestampedValue<string>(1_000, "neighbour")], other.Fetch(Key(0), 0, long.MaxValue));
            task.Dispose();
            neighbour.Dispose();
        }, iter: 150);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(65_536)]
    public void CachedKeyValueStore_AgreesWithInMemory_AcrossCommitsDiscardsCrashesAndReopens(int cacheEntries)
    {
        var builder = new KeyValueStoreBuilder<string, string>("kv", Serdes.String, Serdes.String);
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = cacheEntries });
        var op = Gen.Select(Gen.Int[0, 10], Gen.Int[0, 11], Gen.Int[0, 30]);
        op.Array[1, 120].Sample(ops =>
        {
            var neighbour = shared.NewTask();
            var other = neighbour.Stores.CreateKeyValueStore(builder);
            for (int k = 0; k < 12; k++) other.Put(Key(k), "neighbour");
            shared.Backend.Commit([neighbour], NoMetadata);
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateKeyValueStore(builder);
            var model = new Dictionary<string, string>();
            var committed = new Dictionary<string, string>();
            foreach (var (kind, k, b) in ops)
            {
                switch (kind)
                {
                    case <= 2: rocks.Put(Key(k), "v" + b); model[Key(k)] = "v" + b; break;
                    case 3 or 4: Assert.Equal(model.Remove(Key(k)), rocks.Delete(Key(k))); break;
                    case 5 or 6: Assert.Equal(model.GetValueOrDefault(Key(k)), rocks.TryGet(Key(k), out var v) ? v : null); break;
                    case 7:
                        shared.Backend.Commit([task], NoMetadata);
                        committed = new Dictionary<string, string>(model);
                        break;
                    case 8:
                        task.DiscardPending();
                        model = new Dictionary<string, string>(committed);
                        break;
                    default:
                        task.Dispose();
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateKeyValueStore(builder);
                        model = new Dictionary<string, string>(committed);
                        break;
                }
            }
            for (int k = 0; k < 12; k++) Assert.Equal(model.GetValueOrDefault(Key(k)), rocks.TryGet(Key(k), out var v) ? v : null);
            Assert.Equal(model.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new KeyValue<string, string>(e.Key, e.Value)), rocks.All());
            task.Dispose();
            neighbour.Dispose();
        }, iter: 150);
    }

    [Fact]
    public void CoveringWindowStore_AnswersManyAbsentKeys_WithoutCachingThem_SoItKeepsCoverage()
    {
        // Mutation: caching an empty list per absent key fetched under coverage. Four cache entries per store fill after
        // a few keys, a generation is swapped out (EverDropped), coverage ends, and every later miss seeks RocksDB.
        var builder = new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(20), false, Serdes.String, Serdes.String);
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = 4 });
        var task = shared.NewTask();
        var store = task.Stores.CreateWindowStore(builder);
        var rocks = Assert.IsType<RocksWindowStore<string, string>>(store);
        store.Put("held", "v", 10);
        Assert.Empty(store.Fetch("first", 0, 100)); // learns coverage: the task's range is empty (one seek, not a key read)
        shared.Backend.Commit([task], NoMetadata);
        for (int k = 0; k < 100; k++) Assert.Empty(store.Fetch(Key(k), 0, 100));
        Assert.Equal([new TimestampedValue<string>(10, "v")], store.Fetch("held", 0, 100));
        store.Put("later", "w", 12); // a key committed after the absent fetches: the covering commit caches it
        shared.Backend.Commit([task], NoMetadata);
        Assert.Equal([new TimestampedValue<string>(12, "w")], store.Fetch("later", 0, 100));
        Assert.Empty(store.Fetch("never", 0, 100));
        Assert.Equal(0, rocks.CommittedReads);
        task.Dispose();
    }

    /// <summary>The in-memory store after the given puts, in order: the same stream time, expiry and overwrites.</summary>
    private static IWindowStore<string, string> Replay(WindowStoreBuilder<string, string> builder, List<(string Key, string Value, long Ts)> puts)
    {
        var model = InMemoryStoreFactory.Instance.CreateWindowStore(builder);
        foreach (var (key, value, ts) in puts) model.Put(key, value, ts);
        return model;
    }

    private static string Key(int k) => "k" + k;
}
