using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A RocksDB key–value store keeps its pending writes as dirty entries of its value cache (<c>WriteBackCache</c>, Kafka's
/// <c>NamedCache</c>): one map, entries pending while their epoch is the current one, a commit moving to the next epoch.
/// Whatever the cache's size, reads must be the model's, each commit must put exactly the model on disk in one batch, a
/// commit that fails must leave the store as it was (retried: the same writes; discarded: the last committed state), and
/// a reopen must read the last commit.
/// </summary>
public sealed class WriteBackCacheTests
{
    private static readonly string[] Values = ["v", "", "é", "long-" + new string('z', 200)];

    /// <summary>
    /// Random puts, table updates (<c>PutAndGetOld</c>), deletes, reads, scans (they build the pending index, so commits
    /// walk both write paths), commits, failed commits (the value serde throws half-way through the batch; then the commit
    /// is retried, or the pending writes discarded) and reopens, against a dictionary model of the merged view and one of
    /// the committed state. After every commit the committed view (RocksDB only) must be the model. Caches of 0 (pending
    /// writes only), 2 and 6 entries (generation changes with pending entries in them: pinned) and the default.
    /// CsCheck prints the seed of a failing case.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(65_536)]
    public void Reads_Commits_FailedCommits_AndReopens_AgreeWithADictionaryModel(int cacheEntries)
    {
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = cacheEntries });
        var op = Gen.Select(Gen.Int[0, 13], Gen.Int[0, 11], Gen.Int[0, Values.Length - 1]);
        op.Array[1, 120].Sample(ops =>
        {
            var serde = new FailingStringSerde();
            var builder = new KeyValueStoreBuilder<string, string>("wbc", Serdes.String, serde);
            var task = shared.NewTask();
            var id = task.TaskId;
            var store = task.Stores.CreateKeyValueStore(builder);
            var model = new Dictionary<string, string>();
            var committed = new Dictionary<string, string>();
            foreach (var (kind, k, v) in ops)
            {
                string key = "k" + k, value = Values[v] + k;
                switch (kind)
                {
                    case <= 3:
                        store.Put(key, value);
                        model[key] = value;
                        break;
                    case 4:
                        bool had = ((IPutAndGetOld<string, string>)store).PutAndGetOld(key, value, out var old);
                        Assert.Equal(model.TryGetValue(key, out var expectedOld), had);
                        if (had) Assert.Equal(expectedOld, old);
                        model[key] = value;
                        break;
                    case <= 6:
                        Assert.Equal(model.Remove(key), store.Delete(key));
                        break;
                    case 7:
                        Assert.Equal(model.TryGetValue(key, out var expected), store.TryGet(key, out var read));
                        if (expected is not null) Assert.Equal(expected, read);
                        break;
                    case 8:
                        Assert.Equal(Sorted(model), store.All());
                        break;
                    case <= 10:
                        shared.Backend.Commit([task], new Dictionary<string, byte[]?>());
                        committed = new(model);
                        Assert.Equal(Sorted(committed), task.CommittedStores.CreateKeyValueStore(builder).All());
                        break;
                    case 11:
                    case 12:
                        serde.Fail = true;
                        bool failed;
                        try
                        {
                            shared.Backend.Commit([task], new Dictionary<string, byte[]?>());
                            failed = false; // no pending put to serialize: nothing failed
                        }
                        catch (InvalidOperationException e) when (e.Message == FailingStringSerde.Message)
                        {
                            failed = true;
                        }
                        serde.Fail = false;
                        if (!failed) committed = new(model);
                        // Nothing of a failed commit reached RocksDB.
                        Assert.Equal(Sorted(committed), task.CommittedStores.CreateKeyValueStore(builder).All());
                        if (failed && kind == 11)
                        {
                            shared.Backend.Commit([task], new Dictionary<string, byte[]?>()); // retried: the same writes
                            committed = new(model);
                            Assert.Equal(Sorted(committed), task.CommittedStores.CreateKeyValueStore(builder).All());
                        }
                        else if (failed)
                        {
                            task.DiscardPending(); // given up: back to the last commit, the same store object
                            model = new(committed);
                        }
                        Assert.Equal(Sorted(model), store.All());
                        break;
                    default:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        store = task.Stores.CreateKeyValueStore(builder);
                        model = new(committed);
                        break;
                }
            }
            foreach (var key in Enumerable.Range(0, 12).Select(i => "k" + i))
                Assert.Equal(model.TryGetValue(key, out var expected), store.TryGet(key, out var read) && read == expected);
            Assert.Equal(Sorted(model), store.All());
            task.Dispose();
        }, iter: 250);
    }

    /// <summary>A commit of more keys than the cache holds: every pending write survives the generation changes (pinned
    /// until the commit), reaches RocksDB in the one batch, and the cache is back within its capacity afterwards.</summary>
    [Fact]
    public void PendingWrites_BeyondTheCachesCapacity_AreAllCommitted_ThenDroppedLikeAnyEntryOverCapacity()
    {
        using var dir = new TempStateDirectory();
        var builder = new KeyValueStoreBuilder<string, string>("wbc", Serdes.String, Serdes.String);
        using (var backend = dir.Open(new RocksDbStateOptions { CacheEntriesPerStore = 8 }))
        {
            var task = backend.OpenTask(new TaskId(0, 0));
            var store = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(builder);
            for (int i = 0; i < 100; i++) store.Put("k" + i.ToString("D3"), "v" + i);
            Assert.True(store.Entries.PinnedCount > 80); // generations of 4: all but the last two generations' keys pinned
            for (int i = 0; i < 100; i++) Assert.True(store.TryGet("k" + i.ToString("D3"), out var v) && v == "v" + i);
            backend.Commit([task], new Dictionary<string, byte[]?>());
            Assert.Equal(0, store.Entries.PinnedCount);
            Assert.True(store.Entries.Count <= 8);
            Assert.Equal(100, task.CommittedStores.CreateKeyValueStore(builder).All().Count());
            task.Dispose();
        }
        using var reopened = dir.Open();
        Assert.Equal(100, reopened.OpenTask(new TaskId(0, 0)).Stores.CreateKeyValueStore(builder).All().Count());
    }

    /// <summary>The commit epoch wraps after 2^32 commits: an entry written 2^32 commits ago (at the epoch the wrap lands
    /// on) must not read as pending afterwards, and a committed value cached before the wrap (epoch 0) must be listed by
    /// its next write, or the next commit would not write it.</summary>
    [Fact]
    public void TheCommitEpoch_Wrapping_LeavesNoEntryPending_AndTheNextWritesArePending()
    {
        var cache = new WriteBackCache<string, string>(16);
        cache.AddCommitted("clean", present: true, "c");
        ref var written = ref cache.Add("written");
        Assert.True(cache.BeginWrite(ref written, "written", added: true, freshIfAdded: true));
        written.Value = "w";
        written.Present = true;
        cache.Committed(removeAbsences: false); // epoch 2
        cache.SkipToEpoch(uint.MaxValue); // 2^32 - 3 commits later
        cache.Committed(removeAbsences: false); // wraps to 1, the epoch "written" was written at
        Assert.Equal(1u, cache.Epoch);
        Assert.False(cache.IsPending(cache.Peek("written")));
        Assert.Empty(cache.WrittenKeys);
        ref var clean = ref cache.Find("clean");
        Assert.True(cache.BeginWrite(ref clean, "clean", added: false, freshIfAdded: false)); // a first write: listed
        Assert.Equal(["clean"], cache.WrittenKeys);
        Assert.True(cache.IsPending(cache.Peek("clean")));
        Assert.False(cache.Peek("clean").Fresh); // its committed value is present
    }

    private static List<KeyValue<string, string>> Sorted(Dictionary<string, string> model) =>
        model.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new KeyValue<string, string>(e.Key, e.Value)).ToList();

    /// <summary>UTF-8 strings; serializing throws while <see cref="Fail"/> (a commit failing half-way through its batch).</summary>
    private sealed class FailingStringSerde : Serde<string>
    {
        public const string Message = "injected serialization failure";

        public bool Fail { get; set; }

        public override byte[] Serialize(string value) => Fail ? throw new InvalidOperationException(Message) : Serdes.String.Serialize(value);

        public override string Deserialize(ReadOnlySpan<byte> data) => Serdes.String.Deserialize(data);
    }
}
