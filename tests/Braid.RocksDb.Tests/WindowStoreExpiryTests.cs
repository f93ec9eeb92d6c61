using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// The window store does not write entries that expired while pending (RocksWindowStore.WritePending): what it
/// leaves out must be exactly what no read can see, now and after a restart, and a crash before the next commit must
/// bring back the committed entries whatever the lost pending writes did to stream time.
/// Retention 100 ms, so segments are 50 ms long: an entry can expire while its segment is still live (no DeleteRange
/// covers it), which is where a written-but-expired entry would show in the raw key count.
/// </summary>
public sealed class WindowStoreExpiryTests : IDisposable
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly WindowStoreBuilder<string, string> Window = new("win", TimeSpan.FromMilliseconds(100), true, Serdes.String, Serdes.String);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EntriesExpiredBeforeTheCommit_AreNeverWritten_AndStayInvisibleAfterReopen()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var window = task.Stores.CreateWindowStore(Window);
            window.Put("a", "expired", 120); // segment 2 (100..149) stays live below
            window.Put("b", "expired too", 119);
            window.Put("a", "at the boundary", 121);
            window.Put("c", "newest", 221); // stream time 221: minimum live timestamp 121, first live segment 2
            Assert.Empty(window.Fetch("b", 0, 300));
            backend.Commit([task], NoMetadata);
            // Only the two live entries reached RocksDB: written expired entries would sit in live segment 2.
            Assert.Equal(2, DataKeys(backend));
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateWindowStore(Window);
        Assert.Equal(221, again.ObservedStreamTime);
        Assert.Equal([new TimestampedValue<string>(121, "at the boundary")], again.Fetch("a", 0, 300));
        Assert.Empty(again.Fetch("b", 0, 300));
        Assert.Equal([new TimestampedValue<string>(221, "newest")], again.Fetch("c", 0, 300));
    }

    [Fact]
    public void ACrashBeforeTheNextCommit_KeepsCommittedEntries_ThatLostPendingWritesWouldHaveExpired()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(Task);
            var window = task.Stores.CreateWindowStore(Window);
            window.Put("a", "committed", 10);
            backend.Commit([task], NoMetadata);
            window.Put("b", "pending", 500); // would expire "a" — but is never committed
            window.Put("a", "pending too", 505);
            Assert.Empty(window.Fetch("a", 0, 100));
            // The process dies here: the backend closes without committing.
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(Task).Stores.CreateWindowStore(Window);
        Assert.Equal(10, again.ObservedStreamTime);
        Assert.Equal([new TimestampedValue<string>(10, "committed")], again.Fetch("a", 0, 600));
        Assert.Empty(again.Fetch("b", 0, 600));
    }

    [Fact]
    public void AnEntryExpiredWhilePending_IsDroppedFromTheKeysCachedList_AndNotWritten()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(Task);
        var window = task.Stores.CreateWindowStore(Window);
        window.Put("a", "committed", 100);
        backend.Commit([task], NoMetadata);
        Assert.Single(window.Fetch("a", 0, 1000)); // caches a's committed list
        window.Put("a", "expires while pending", 150); // segment 3 (150..199), still live after the next put
        window.Put("a", "live", 260); // minimum live timestamp 160: segment 2 is range-deleted, 150 has expired
        backend.Commit([task], NoMetadata);
        Assert.Equal([new TimestampedValue<string>(260, "live")], window.Fetch("a", 0, 1000));
        Assert.Equal(1, DataKeys(backend));
    }

    /// <summary>
    /// Random puts, fetches, commits and crashes (task closed without commit, reopened from RocksDB) against the
    /// in-memory store rebuilt from the committed operations only, so every read after a crash is checked against
    /// what was committed. Time moves forward in jumps past the retention, so entries expire while pending.
    /// CsCheck prints the seed of a failing case; replay it with Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void WindowStore_AgreesWithInMemory_AcrossCommitsAndCrashes()
    {
        using var shared = new SharedBackend();
        var op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 2], Gen.Int[0, 60]);
        Gen.Select(op.Array[1, 80], Gen.Int[1, 30], Gen.Bool).Sample(t =>
        {
            var (ops, retention, duplicates) = t;
            var builder = new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(retention), duplicates, Serdes.String, Serdes.String);
            var task = shared.NewTask();
            var id = task.TaskId;
            var rocks = task.Stores.CreateWindowStore(builder);
            var model = InMemoryStoreFactory.Instance.CreateWindowStore(builder);
            var committed = new List<(string Key, string Value, long Ts)>();
            var pending = new List<(string Key, string Value, long Ts)>();
            long clock = 0;
            foreach (var (kind, k, d) in ops)
            {
                string key = ((char)('a' + k)).ToString();
                switch (kind)
                {
                    case <= 3:
                        clock += kind == 0 ? d : d % 4; // mostly small steps, sometimes a jump past the retention
                        long ts = clock - d % 7; // a little out of order
                        Assert.Equal(model.Put(key, "v" + d, ts), rocks.Put(key, "v" + d, ts));
                        pending.Add((key, "v" + d, ts));
                        break;
                    case <= 6:
                        Assert.Equal(model.Fetch(key, clock - 80, clock + 5), rocks.Fetch(key, clock - 80, clock + 5));
                        break;
                    case 7:
                        Assert.Equal(model.ObservedStreamTime, rocks.ObservedStreamTime);
                        break;
                    case 8:
                        shared.Backend.Commit([task], NoMetadata);
                        committed.AddRange(pending);
                        pending.Clear();
                        break;
                    default:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        rocks = task.Stores.CreateWindowStore(builder);
                        model = InMemoryStoreFactory.Instance.CreateWindowStore(builder);
                        foreach (var (ck, cv, cts) in committed) model.Put(ck, cv, cts);
                        pending.Clear();
                        clock = Math.Max(0, model.ObservedStreamTime);
                        break;
                }
            }
            task.Dispose();
        }, iter: 300);
    }

    /// <summary>Data keys (<c>[task][0x01]…</c>) the task has in the store's column family, as RocksDB returns them.</summary>
    private static int DataKeys(RocksDbStateBackend backend)
    {
        var prefix = KeyLayout.DataPrefix(Task);
        using var iterator = backend.Database.NewIterator(backend.Database.StoreFamily(Window.Name));
        int count = 0;
        for (iterator.Seek(prefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix); iterator.Next()) count++;
        backend.Database.ThrowIfFailed(iterator);
        return count;
    }
}
