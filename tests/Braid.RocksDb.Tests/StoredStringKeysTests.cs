using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using System.Runtime.CompilerServices;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A string-keyed RocksDB store hands a table source's key decode the key instance its write-back cache holds
/// (<c>RocksKeyValueStore.TryGetStoredKey</c>, issue 19 session 17), as the in-memory store does since session 13: the
/// source forwards that instance instead of a new string. What a topology may rely on: a key handed out has exactly the
/// characters asked for (ordinal), and it is one the store holds in memory; nothing else about the store changes (the
/// lookup neither promotes nor adds an entry, and reads no RocksDB).
/// </summary>
public sealed class StoredStringKeysTests
{
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private static readonly KeyValueStoreBuilder<string, ValueAndTimestamp<string>> Table =
        new("table", Serdes.String, new ValueAndTimestampSerde<string>(Serdes.String));

    [Fact]
    public void AWrittenKey_IsHandedOutAsTheInstanceWritten_BeforeAndAfterTheCommit_AndAnUnknownKeyIsNot()
    {
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var store = task.Stores.CreateKeyValueStore(Table);
        var stored = (IStoredStringKeys)store;
        string key = new(['k', '1']);
        store.Put(key, new("v", 1));
        Assert.True(stored.TryGetStoredKey("k1", out var found));
        Assert.Same(key, found);
        shared.Backend.Commit([task], NoMetadata);
        Assert.True(stored.TryGetStoredKey("k1", out found));
        Assert.Same(key, found);
        Assert.False(stored.TryGetStoredKey("k2", out found));
        Assert.Null(found);
        Assert.False(stored.TryGetStoredKey("K1", out _)); // ordinal: no case folding
        task.Dispose();
    }

    [Fact]
    public void AStoreOfAnotherKeyType_HandsOutNoKey()
    {
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var store = task.Stores.CreateKeyValueStore(new KeyValueStoreBuilder<long, string>("longs", Serdes.Int64, Serdes.String));
        store.Put(7L, "v");
        Assert.False(((IStoredStringKeys)store).TryGetStoredKey("7", out _));
        task.Dispose();
    }

    /// <summary>
    /// Random puts, deletes, reads, commits, discards and crashes with caches of 2 (generations drop keys), 8 and the
    /// default; after every operation, every key of the pool asked for by its characters is either not handed out or
    /// handed out with exactly those characters, and only while the store's cache holds it; and the store still answers
    /// what a model of its committed and pending state says. CsCheck prints the seed of a failing case.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(65_536)]
    public void HandedOutKeys_HaveTheCharactersAskedFor_AndTheStoreAnswersAsItsModel(int cacheEntries)
    {
        string[] pool = ["a", "b", "é", "😀", "", "a\0", "long-" + new string('x', 200)];
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = cacheEntries });
        var op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, pool.Length - 1], Gen.Int[0, 3]);
        op.Array[1, 60].Sample(ops =>
        {
            var task = shared.NewTask();
            var id = task.TaskId;
            var store = task.Stores.CreateKeyValueStore(Table);
            var model = new Dictionary<string, string>(StringComparer.Ordinal);
            var committed = new Dictionary<string, string>(StringComparer.Ordinal);
            var given = new HashSet<string>(ReferenceEqualityComparer.Instance); // every key instance the store was given
            foreach (var (kind, k, v) in ops)
            {
                string key = new(pool[k].AsSpan()); // a fresh instance each time, so a handed-out key is the store's own
                given.Add(key);
                switch (kind)
                {
                    case <= 3: store.Put(key, new("v" + v, v)); model[key] = "v" + v; break;
                    case 4: Assert.Equal(model.Remove(key), store.Delete(key)); break;
                    case 5: Assert.Equal(model.TryGetValue(key, out var mv) ? mv : null, store.TryGet(key, out var sv) ? sv.Value : null); break;
                    case 6:
                        shared.Backend.Commit([task], NoMetadata);
                        committed = new(model, StringComparer.Ordinal);
                        break;
                    case 7:
                        task.DiscardPending(); // a failed commit
                        model = new(committed, StringComparer.Ordinal);
                        break;
                    case 8:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        store = task.Stores.CreateKeyValueStore(Table);
                        model = new(committed, StringComparer.Ordinal);
                        break;
                    default: break;
                }
                CheckHandedOutKeys(store, pool, given);
            }
            Assert.Equal(model.OrderBy(e => e.Key, StringComparer.Ordinal), store.All().Select(e => KeyValuePair.Create(e.Key, e.Value.Value)));
            task.Dispose();
        }, iter: 200);
        Assert.True(handedOutTotal > 0, "no case handed out a key");
    }

    private static int handedOutTotal;

    private static void CheckHandedOutKeys(IKeyValueStore<string, ValueAndTimestamp<string>> store, string[] pool, HashSet<string> given)
    {
        var rocks = (RocksKeyValueStore<string, ValueAndTimestamp<string>>)store;
        int before = rocks.Entries.Count;
        foreach (var chars in pool)
        {
            if (!rocks.TryGetStoredKey(chars.AsSpan(), out var key)) continue;
            Assert.Equal(chars, key, StringComparer.Ordinal);
            // An instance the store was given (not one made for the caller), and held by its cache.
            Assert.Contains(key, given);
            Assert.False(Unsafe.IsNullRef(ref rocks.Entries.Peek(key)));
            Interlocked.Increment(ref handedOutTotal);
        }
        Assert.Equal(before, rocks.Entries.Count); // the lookup adds nothing
    }
}
