using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A key–value write whose key the committed state is known not to hold is "fresh" (RocksKeyValueStore): deleting it
/// drops the pending write instead of pending a delete marker. Nothing of such a key may reach RocksDB, and nothing
/// else may be lost: a key that was committed still gets its delete, across commits, reopens and crashes.
/// </summary>
public sealed class FreshKeyTests : IDisposable
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly KeyValueStoreBuilder<string, string> Kv = Stores.KeyValue("kv", Serdes.String, Serdes.String);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AKeyHeldAndReleasedBetweenCommits_NeverReachesRocksDb_NotEvenAsADeleteMarker()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var kv = task.Stores.CreateKeyValueStore(Kv);
            Assert.False(kv.TryGet("held", out _)); // the join's lookup before it holds a record: absence now known
            kv.Put("held", "v1");
            kv.Put("held", "v2"); // overwritten while pending: still fresh
            Assert.True(kv.Delete("held"));
            Assert.False(kv.TryGet("held", out _));
            Assert.Empty(kv.All());
            backend.Commit([task], NoMetadata);
            Assert.Equal(0L, MemtableEntries(backend)); // neither a put nor a delete marker was written
            kv.Put("held", "again"); // the absence stays known: fresh again, and this one is committed
            backend.Commit([task], NoMetadata);
            Assert.Equal(1L, MemtableEntries(backend));
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateKeyValueStore(Kv);
        Assert.True(again.TryGet("held", out var value));
        Assert.Equal("again", value);
    }

    [Fact]
    public void AKeyCommittedThenOverwrittenAndDeleted_IsDeletedInRocksDb_AndStaysDeletedAfterReopen()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var kv = task.Stores.CreateKeyValueStore(Kv);
            Assert.False(kv.TryGet("k", out _));
            kv.Put("k", "first"); // fresh while pending …
            backend.Commit([task], NoMetadata); // … but committed now: the next writes are not fresh
            kv.Put("k", "overwrite");
            Assert.True(kv.Delete("k"));
            backend.Commit([task], NoMetadata);
            Assert.False(kv.TryGet("k", out _));
        }
        using var reopened = _dir.Open();
        Assert.False(reopened.OpenTask(Task).Stores.CreateKeyValueStore(Kv).TryGet("k", out _));
    }

    [Fact]
    public void ACrashBeforeTheCommit_LosesOnlyPendingWrites_FreshOrNot()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var kv = task.Stores.CreateKeyValueStore(Kv);
            kv.Put("kept", "committed");
            backend.Commit([task], NoMetadata);
            Assert.True(kv.Delete("kept")); // a pending delete of a committed key …
            kv.Put("kept", "pending");
            Assert.False(kv.TryGet("new", out _));
            kv.Put("new", "pending"); // … and a fresh key written and deleted, then written again
            Assert.True(kv.Delete("new"));
            kv.Put("new", "pending again");
            // The process dies here: no commit.
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateKeyValueStore(Kv);
        Assert.True(again.TryGet("kept", out var kept));
        Assert.Equal("committed", kept);
        Assert.False(again.TryGet("new", out _));
    }

    /// <summary>
    /// Random puts, deletes, reads (which make absence known), scans, commits and crashes against the in-memory store
    /// holding what was committed. CsCheck prints the seed of a failing case; replay it with Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void KeyValueStore_AgreesWithInMemory_AcrossCommitsAndCrashes()
    {
        using var shared = new SharedBackend();
        var op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 4], Gen.Int[0, 20]);
        op.Array[1, 80].Sample(ops =>
        {
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateKeyValueStore(Kv);
            var model = InMemoryStoreFactory.Instance.CreateKeyValueStore(Kv);
            var committed = new Dictionary<string, string>();
            foreach (var (kind, k, v) in ops)
            {
                string key = ((char)('a' + k)).ToString();
                switch (kind)
                {
                    case <= 2: rocks.Put(key, "v" + v); model.Put(key, "v" + v); break;
                    case <= 4: Assert.Equal(model.Delete(key), rocks.Delete(key)); break;
                    case 5: Assert.Equal(Get(model, key), Get(rocks, key)); break;
                    case 6: Assert.Equal(model.All(), rocks.All()); break;
                    case 7:
                        shared.Backend.Commit([task], NoMetadata);
                        committed = model.All().ToDictionary(e => e.Key, e => e.Value);
                        break;
                    default:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateKeyValueStore(Kv);
                        model = InMemoryStoreFactory.Instance.CreateKeyValueStore(Kv);
                        foreach (var (ck, cv) in committed) model.Put(ck, cv);
                        Assert.Equal(model.All(), rocks.All());
                        break;
                }
            }
            task.Dispose();
        }, iter: 300);
    }

    private static (bool, string?) Get(IKeyValueStore<string, string> store, string key) =>
        store.TryGet(key, out var v) ? (true, v) : (false, null);

    /// <summary>Entries (puts and delete markers) in the store's active memtable: what the commits wrote.</summary>
    private static long MemtableEntries(RocksDbStateBackend backend) =>
        long.Parse(backend.Database.Db.GetProperty("rocksdb.num-entries-active-mem-table", backend.Database.StoreFamily(Kv.Name)), System.Globalization.CultureInfo.InvariantCulture);
}
