using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// The RocksDB versioned store keeps one entry per version and a commit writes only what changed (RocksVersionedStore):
/// new versions, and deletes of versions expired or replaced. What a commit leaves out must be exactly what did not
/// change, across commits, reopens and crashes; a store in the old one-value-per-key layout must fail to open, typed.
/// </summary>
public sealed class VersionedLayoutTests : IDisposable
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly VersionedStoreBuilder<string, string> History = new("versioned", TimeSpan.FromMilliseconds(100), Serdes.String, Serdes.String);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ACommit_WritesTheNewVersionAndTheExpiredOnesDelete_NotTheKeysWholeHistory()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var store = task.Stores.CreateVersionedKeyValueStore(History);
            store.Put("k", "v10", 10);
            store.Put("k", "v20", 20);
            store.Put("k", "v30", 30);
            backend.Commit([task], NoMetadata);
            long afterFirst = MemtableEntries(backend); // three versions and the stream time
            Assert.Equal(4L, afterFirst);
            store.Put("k", "v40", 40);
            backend.Commit([task], NoMetadata);
            Assert.Equal(afterFirst + 2, MemtableEntries(backend)); // one version and the stream time, not four versions
            store.Put("k", "v125", 125); // cutoff 25: v10 is dropped (v20 stays, it is valid at the cutoff)
            store.Put("k", null, 126); // a tombstone version
            backend.Commit([task], NoMetadata);
            Assert.Equal(afterFirst + 2 + 4, MemtableEntries(backend)); // two versions, one delete, the stream time
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateVersionedKeyValueStore(History);
        Assert.False(again.TryGet("k", out _)); // the latest version is the tombstone
        Assert.True(again.TryGet("k", 30, out var at30));
        Assert.Equal(("v30", 30L, (long?)40L), (at30.Value, at30.ValidFrom, at30.ValidTo));
        Assert.True(again.TryGet("k", 125, out var at125));
        Assert.Equal(("v125", 125L, (long?)126L), (at125.Value, at125.ValidFrom, at125.ValidTo));
        Assert.Equal(5, VersionEntries(reopened)); // v20, v30, v40, v125, the tombstone: v10's entry was deleted
    }

    [Fact]
    public void AStoreInTheOldOneValuePerKeyLayout_FailsToOpen_WithATypedError()
    {
        using var backend = _dir.Open();
        // The old layout: [task][0x01][serialized key] → the key's whole version list.
        var family = backend.Database.StoreFamily(History.Name);
        byte[] oldKey = [.. KeyLayout.DataPrefix(Task), .. "k"u8];
        byte[] oldValue = [0, 0, 0, 0, 0, 0, 0, 10, 0]; // one tombstone version at 10
        backend.Database.Db.Put(oldKey, oldValue, family);
        var task = backend.OpenTask(Task);
        var error = Assert.Throws<StateStoreException>(() => task.Stores.CreateVersionedKeyValueStore(History));
        Assert.Contains("versioned store 'versioned'", error.Message);
        Assert.Contains("earlier Braid version", error.Message);
    }

    /// <summary>
    /// Random puts, tombstones, deletes, as-of and latest reads, commits and crashes against the in-memory store rebuilt
    /// from what was committed. CsCheck prints the seed of a failing case; replay it with Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void VersionedStore_AgreesWithInMemory_AcrossCommitsAndCrashes()
    {
        using var shared = new SharedBackend();
        var op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 2], Gen.Int[0, 60], Gen.Int[0, 9]);
        Gen.Select(op.Array[1, 80], Gen.Int[0, 30]).Sample(t =>
        {
            var (ops, retention) = t;
            var builder = new VersionedStoreBuilder<string, string>("versioned", TimeSpan.FromMilliseconds(retention), Serdes.String, Serdes.String);
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateVersionedKeyValueStore(builder);
            var model = InMemoryStoreFactory.Instance.CreateVersionedKeyValueStore(builder);
            var committed = new List<(string Key, string? Value, long Ts, bool Delete)>();
            var pending = new List<(string Key, string? Value, long Ts, bool Delete)>();
            foreach (var (kind, k, ts, v) in ops)
            {
                string key = ((char)('a' + k)).ToString();
                switch (kind)
                {
                    case <= 2:
                        string? value = v == 0 ? null : "v" + v;
                        Assert.Equal(model.Put(key, value, ts), rocks.Put(key, value, ts));
                        pending.Add((key, value, ts, false));
                        break;
                    case 3:
                        Assert.Equal(model.Delete(key, ts, out var md) ? md : (VersionedRecord<string>?)null, rocks.Delete(key, ts, out var rd) ? rd : null);
                        pending.Add((key, null, ts, true));
                        break;
                    case 4 or 5:
                        Assert.Equal(model.TryGet(key, ts, out var ma) ? ma : (VersionedRecord<string>?)null, rocks.TryGet(key, ts, out var ra) ? ra : null);
                        break;
                    case 6:
                        Assert.Equal(model.TryGet(key, out var ml) ? ml : (VersionedRecord<string>?)null, rocks.TryGet(key, out var rl) ? rl : null);
                        break;
                    case 7 or 8:
                        shared.Backend.Commit([task], NoMetadata);
                        committed.AddRange(pending);
                        pending.Clear();
                        break;
                    default:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateVersionedKeyValueStore(builder);
                        model = InMemoryStoreFactory.Instance.CreateVersionedKeyValueStore(builder);
                        foreach (var (ck, cv, cts, delete) in committed)
                        {
                            if (delete) model.Delete(ck, cts, out _);
                            else model.Put(ck, cv, cts);
                        }
                        pending.Clear();
                        break;
                }
            }
            task.Dispose();
        }, iter: 300);
    }

    /// <summary>Live version entries (<c>[task][0x02]…</c>) of the task, as RocksDB returns them.</summary>
    private static int VersionEntries(RocksDbStateBackend backend)
    {
        byte[] prefix = [.. KeyLayout.MetaKey(Task).AsSpan(0, KeyLayout.TaskPrefixLength), 0x02];
        using var iterator = backend.Database.NewIterator(backend.Database.StoreFamily(History.Name));
        int count = 0;
        for (iterator.Seek(prefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix); iterator.Next()) count++;
        backend.Database.ThrowIfFailed(iterator);
        return count;
    }

    /// <summary>Entries (puts and delete markers) in the store's active memtable: what the commits wrote.</summary>
    private static long MemtableEntries(RocksDbStateBackend backend) =>
        long.Parse(backend.Database.Db.GetProperty("rocksdb.num-entries-active-mem-table", backend.Database.StoreFamily(History.Name)), System.Globalization.CultureInfo.InvariantCulture);
}
