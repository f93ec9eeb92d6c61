using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A key–value store used as a time-ordered buffer deletes its oldest entries and scans from the start again; scans
/// seek from the committed floor (CommittedFloor: no committed key below it) instead of walking every tombstone.
/// The floor must never hide a key: one put below it, a range scan that starts above it, a crash before the commit.
/// </summary>
public sealed class CommittedFloorTests : IDisposable
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly KeyValueStoreBuilder<string, string> Kv = Stores.KeyValue("buffer", Serdes.String, Serdes.String);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Key(int i) => "t" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void AfterExpiry_AScanSeeksFromTheFirstLiveKey_AndAKeyPutBelowItIsStillFound_AfterCommitAndReopen()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Kv);
            for (int i = 10; i < 110; i++) kv.Put(Key(i), "v" + i);
            backend.Commit([task], NoMetadata);
            Assert.Equal(100, kv.All().Count());
            for (int i = 10; i < 60; i++) Assert.True(kv.Delete(Key(i))); // the buffer's expiry
            backend.Commit([task], NoMetadata);
            Assert.Equal(Enumerable.Range(60, 50).Select(Key), kv.All().Select(e => e.Key));
            Assert.Equal(Serdes.String.Serialize(Key(60)), kv.Floor.Key); // learned: the next scan skips t0010–t0059's tombstones

            kv.Put(Key(5), "late"); // below the floor
            Assert.Equal(Key(5), kv.All().First().Key); // pending: merged in
            backend.Commit([task], NoMetadata);
            Assert.Equal(Serdes.String.Serialize(Key(5)), kv.Floor.Key); // the committed put lowered it
            Assert.Equal([Key(5), .. Enumerable.Range(60, 50).Select(Key)], kv.All().Select(e => e.Key));
            Assert.Equal([Key(5), Key(60)], kv.Range(Key(0), Key(60)).Select(e => e.Key));
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateKeyValueStore(Kv);
        Assert.Equal([Key(5), .. Enumerable.Range(60, 50).Select(Key)], again.All().Select(e => e.Key));
    }

    [Fact]
    public void AnEmptyPrefixScan_IsAScanFromTheStart_AndLearnsTheFloor()
    {
        // The stream–stream join's emit pass scans its held records with an empty prefix (into a reused list).
        using var backend = _dir.Open();
        var task = backend.OpenTask(Task);
        var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Kv);
        for (int i = 10; i < 40; i++) kv.Put(Key(i), "v" + i);
        backend.Commit([task], NoMetadata);
        for (int i = 10; i < 30; i++) Assert.True(kv.Delete(Key(i)));
        backend.Commit([task], NoMetadata);
        var held = new List<KeyValue<string, string>>();
        kv.PrefixScanInto([], held);
        Assert.Equal(Enumerable.Range(30, 10).Select(Key), held.Select(e => e.Key));
        Assert.Equal(Serdes.String.Serialize(Key(30)), kv.Floor.Key);
    }

    [Fact]
    public void PointReads_KnowKeysOutsideTheCommittedBoundsAbsent_AndSeeEveryCommittedPutOutsideTheOldBounds()
    {
        // No value cache: every read that the bounds do not answer goes to RocksDB.
        using var backend = _dir.Open(new RocksDbStateOptions { CacheEntriesPerStore = 0 });
        var task = backend.OpenTask(Task);
        var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Kv);
        for (int i = 10; i < 20; i++) kv.Put(Key(i), "v" + i);
        backend.Commit([task], NoMetadata);
        Assert.False(kv.TryGet(Key(25), out _)); // a new buffer key, above every committed one
        Assert.Equal(Serdes.String.Serialize(Key(19)), kv.Ceiling.Key);
        kv.Put(Key(25), "newest");
        backend.Commit([task], NoMetadata);
        Assert.True(kv.TryGet(Key(25), out var newest)); // the committed put raised the ceiling
        Assert.Equal("newest", newest);
        for (int i = 10; i < 15; i++) Assert.True(kv.Delete(Key(i)));
        backend.Commit([task], NoMetadata);
        Assert.Equal(Key(15), kv.All().First().Key); // the floor is learned: t0015
        Assert.False(kv.TryGet(Key(12), out _));
        kv.Put(Key(12), "back"); // below the floor
        backend.Commit([task], NoMetadata);
        Assert.True(kv.TryGet(Key(12), out var back)); // the committed put lowered it
        Assert.Equal("back", back);
        task.DiscardPending(); // forgets both bounds …
        Assert.False(kv.Ceiling.Known);
        Assert.True(kv.TryGet(Key(25), out _)); // … and learns them again from RocksDB
        Assert.Equal(Serdes.String.Serialize(Key(25)), kv.Ceiling.Key);
    }

    [Fact]
    public void AScanThatStartsAboveTheStart_TeachesNoFloor_SoKeysBelowItStayVisible()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(Task);
        var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Kv);
        kv.Put(Key(1), "a");
        kv.Put(Key(9), "b");
        backend.Commit([task], NoMetadata);
        Assert.Equal([Key(9)], kv.Range(Key(5), Key(20)).Select(e => e.Key));
        Assert.False(kv.Floor.Known);
        Assert.Equal([Key(1), Key(9)], kv.All().Select(e => e.Key));
    }

    [Fact]
    public void AnEmptyStore_IsNotAskedAgain_UntilAPutIsCommitted_AndACrashBeforeThatCommitLosesOnlyThePut()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Kv);
            Assert.Empty(kv.All());
            Assert.True(kv.Floor.Known);
            Assert.Null(kv.Floor.Key); // none at all: scans answer from the pending writes alone
            kv.Put(Key(3), "x");
            Assert.Equal([Key(3)], kv.All().Select(e => e.Key));
            backend.Commit([task], NoMetadata);
            Assert.Equal([Key(3)], kv.All().Select(e => e.Key));
            Assert.True(kv.Delete(Key(3)));
            kv.Put(Key(1), "pending only");
            // The process dies here: no commit.
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateKeyValueStore(Kv);
        Assert.Equal([KeyValue.Pair(Key(3), "x")], again.All());
    }

    /// <summary>
    /// Random puts, deletes, point reads, expiry of the oldest entries, range scans and full scans, commits, crashes and discarded
    /// commits against the in-memory store, several tasks sharing the column family (a task's scans must stop at its own
    /// keys). CsCheck prints the seed of a failing case; replay it with Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void TimeOrderedBufferUse_AgreesWithInMemory_AcrossCommitsCrashesAndDiscards()
    {
        // No value cache, so point reads reach the bounds and RocksDB instead of the cache.
        using var shared = new SharedBackend(new RocksDbStateOptions { CacheEntriesPerStore = 0 });
        var op = Gen.Select(Gen.Int[0, 12], Gen.Int[0, 30], Gen.Int[0, 30]);
        op.Array[1, 100].Sample(ops =>
        {
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateKeyValueStore(Kv);
            var model = InMemoryStoreFactory.Instance.CreateKeyValueStore(Kv);
            var committed = new Dictionary<string, string>();
            foreach (var (kind, a, b) in ops)
            {
                switch (kind)
                {
                    case <= 2: rocks.Put(Key(a), "v" + b); model.Put(Key(a), "v" + b); break;
                    case 3: Assert.Equal(model.Delete(Key(a)), rocks.Delete(Key(a))); break;
                    case 4: // expiry: delete the oldest entries, as a buffer does
                        foreach (var e in model.All().Take(1 + a % 4).ToList()) Assert.True(rocks.Delete(e.Key) && model.Delete(e.Key));
                        break;
                    case 5: Assert.Equal(model.Range(Key(Math.Min(a, b)), Key(Math.Max(a, b))), rocks.Range(Key(Math.Min(a, b)), Key(Math.Max(a, b)))); break;
                    case 6 or 7: Assert.Equal(model.All(), rocks.All()); break;
                    case 8:
                        shared.Backend.Commit([task], NoMetadata);
                        committed = model.All().ToDictionary(e => e.Key, e => e.Value);
                        break;
                    case 9:
                        Assert.Equal(model.TryGet(Key(a), out var expected) ? expected : null, rocks.TryGet(Key(a), out var actual) ? actual : null);
                        break;
                    case 10:
                        task.DiscardPending(); // a failed commit: back to the committed state, same store objects
                        Restore(model = InMemoryStoreFactory.Instance.CreateKeyValueStore(Kv), committed);
                        Assert.Equal(model.All(), rocks.All());
                        break;
                    default:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateKeyValueStore(Kv);
                        Restore(model = InMemoryStoreFactory.Instance.CreateKeyValueStore(Kv), committed);
                        Assert.Equal(model.All(), rocks.All());
                        break;
                }
            }
            task.Dispose();
        }, iter: 300);
    }

    private static void Restore(IKeyValueStore<string, string> model, Dictionary<string, string> committed)
    {
        foreach (var (k, v) in committed) model.Put(k, v);
    }
}
