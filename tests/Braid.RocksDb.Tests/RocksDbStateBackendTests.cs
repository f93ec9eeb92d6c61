using System.Text;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;

namespace Braid.RocksDb.Tests;

public sealed class RocksDbStateBackendTests : IDisposable
{
    private static readonly TaskId TaskA = new(0, 0);
    private static readonly TaskId TaskB = new(0, 1);
    private static readonly KeyValueStoreBuilder<string, string> Kv = Stores.KeyValue("kv", Serdes.String, Serdes.String);
    private static readonly WindowStoreBuilder<string, string> Window = new("win", TimeSpan.FromMilliseconds(100), true, Serdes.String, Serdes.String);
    private static readonly VersionedStoreBuilder<string, string> Versioned = new("ver", TimeSpan.FromMilliseconds(100), Serdes.String, Serdes.String);
    private static readonly SessionStoreBuilder<string, string> Session = new("ses", TimeSpan.FromMilliseconds(100), Serdes.String, Serdes.String);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<string> Keys(IKeyValueStore<string, string> store) => store.All().Select(kv => kv.Key).ToList();

    [Fact]
    public void PendingWrites_AreVisibleToOwnReads_ButLostWhenClosedWithoutCommit()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(TaskA);
            var kv = task.Stores.CreateKeyValueStore(Kv);
            kv.Put("a", "1");
            Assert.True(kv.TryGet("a", out var v));
            Assert.Equal("1", v);
            Assert.Equal(["a"], Keys(kv));
            Assert.True(task.PendingBytes > 0);
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(TaskA).Stores.CreateKeyValueStore(Kv);
        Assert.False(again.TryGet("a", out _));
        Assert.Empty(Keys(again));
    }

    [Fact]
    public void CommittedWrites_OfEveryStoreKind_AndMetadata_SurviveReopen()
    {
        using (var backend = _dir.Open())
        {
            var task = backend.OpenTask(TaskA);
            task.Stores.CreateKeyValueStore(Kv).Put("a", "1");
            task.Stores.CreateWindowStore(Window).Put("w", "x", 50);
            var versioned = task.Stores.CreateVersionedKeyValueStore(Versioned);
            versioned.Put("v", "old", 10);
            versioned.Put("v", "new", 20);
            task.Stores.CreateSessionStore(Session).Put(new Windowed<string>("s", new Window(5, 30)), "session");
            backend.Commit([task], new Dictionary<string, byte[]?> { ["offset/in/0"] = [7] });
            Assert.Equal(0, task.PendingBytes);
        }
        using var reopened = _dir.Open();
        var again = reopened.OpenTask(TaskA);
        Assert.True(again.Stores.CreateKeyValueStore(Kv).TryGet("a", out var v));
        Assert.Equal("1", v);
        var window = again.Stores.CreateWindowStore(Window);
        Assert.Equal(50, window.ObservedStreamTime);
        Assert.Equal([new TimestampedValue<string>(50, "x")], window.Fetch("w", 0, 100));
        var reread = again.Stores.CreateVersionedKeyValueStore(Versioned);
        Assert.True(reread.TryGet("v", 15, out var old));
        Assert.Equal(new VersionedRecord<string>("old", 10, 20), old);
        var sessions = again.Stores.CreateSessionStore(Session);
        Assert.Equal(30, sessions.ObservedStreamTime);
        Assert.True(sessions.TryFetchSession("s", 5, 30, out var session));
        Assert.Equal("session", session);
        Assert.Equal([7], reopened.ReadMetadata("offset/in/0"));
    }

    [Fact]
    public void CommitOfOneTask_DoesNotPersistAnotherTasksPendingWrites()
    {
        using (var backend = _dir.Open())
        {
            var a = backend.OpenTask(TaskA);
            var b = backend.OpenTask(TaskB);
            a.Stores.CreateKeyValueStore(Kv).Put("k", "from-a");
            b.Stores.CreateKeyValueStore(Kv).Put("k", "from-b");
            backend.Commit([a], NoMetadata);
            Assert.True(b.PendingBytes > 0);
        }
        using var reopened = _dir.Open();
        Assert.True(reopened.OpenTask(TaskA).Stores.CreateKeyValueStore(Kv).TryGet("k", out var fromA));
        Assert.Equal("from-a", fromA);
        Assert.False(reopened.OpenTask(TaskB).Stores.CreateKeyValueStore(Kv).TryGet("k", out _));
    }

    [Fact]
    public void Scans_MergeCommittedAndPendingWrites_PendingWinning()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(TaskA);
        var kv = task.Stores.CreateKeyValueStore(Kv);
        foreach (var k in new[] { "a", "c", "e" }) kv.Put(k, "committed");
        backend.Commit([task], NoMetadata);
        kv.Put("b", "pending");
        kv.Put("c", "pending");
        Assert.True(kv.Delete("e"));
        Assert.Equal([("a", "committed"), ("b", "pending"), ("c", "pending")], kv.All().Select(p => (p.Key, p.Value)));
        Assert.Equal(["b", "c"], kv.Range("b", "e").Select(p => p.Key));
        Assert.Equal(3, kv.ApproximateCount);
    }

    [Fact]
    public void WindowPut_AtACommittedTimestamp_ReplacesIt_WithoutDuplicates()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(TaskA);
        var window = task.Stores.CreateWindowStore(new WindowStoreBuilder<string, string>("nodup", TimeSpan.FromMilliseconds(100), false, Serdes.String, Serdes.String));
        window.Put("k", "committed", 5);
        backend.Commit([task], NoMetadata);
        window.Put("k", "pending", 5);
        Assert.Equal([new TimestampedValue<string>(5, "pending")], window.Fetch("k", 0, 10));
        backend.Commit([task], NoMetadata);
        Assert.Equal([new TimestampedValue<string>(5, "pending")], window.Fetch("k", 0, 10));
    }

    [Fact]
    public void DiscardPending_ReturnsEveryStoreToItsCommittedState()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(TaskA);
        var kv = task.Stores.CreateKeyValueStore(Kv);
        var window = task.Stores.CreateWindowStore(Window);
        var versioned = task.Stores.CreateVersionedKeyValueStore(Versioned);
        var sessions = task.Stores.CreateSessionStore(Session);
        kv.Put("a", "committed");
        window.Put("w", "committed", 10);
        versioned.Put("v", "committed", 10);
        sessions.Put(new Windowed<string>("s", new Window(0, 10)), "committed");
        backend.Commit([task], NoMetadata);
        Assert.True(versioned.TryGet("v", out _)); // cached: the pending put below must not change the cached copy
        kv.Put("a", "pending");
        window.Put("w", "pending", 500);
        versioned.Put("v", "pending", 20);
        sessions.Put(new Windowed<string>("s", new Window(0, 10)), "pending");
        sessions.Put(new Windowed<string>("s", new Window(400, 500)), "pending");
        task.DiscardPending();
        Assert.True(kv.TryGet("a", out var v));
        Assert.Equal("committed", v);
        Assert.Equal(10, window.ObservedStreamTime);
        Assert.Equal(["committed"], window.Fetch("w", 0, 1000).Select(x => x.Value));
        Assert.True(versioned.TryGet("v", out var latest));
        Assert.Equal(new VersionedRecord<string>("committed", 10, null), latest);
        Assert.Equal(10, sessions.ObservedStreamTime);
        Assert.Equal(["committed"], sessions.FindSessions("s", 0, 1000).Select(x => x.Value));
    }

    [Fact]
    public void CommittedStores_ShowOnlyCommittedData_AndRefuseWrites()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(TaskA);
        var kv = task.Stores.CreateKeyValueStore(Kv);
        var view = task.CommittedStores.CreateKeyValueStore(Kv);
        var windowView = task.CommittedStores.CreateWindowStore(Window);
        kv.Put("a", "1");
        task.Stores.CreateWindowStore(Window).Put("w", "x", 5);
        Assert.False(view.TryGet("a", out _));
        Assert.Empty(windowView.Fetch("w", 0, 10));
        backend.Commit([task], NoMetadata);
        Assert.True(view.TryGet("a", out var v));
        Assert.Equal("1", v);
        Assert.Equal(["x"], windowView.Fetch("w", 0, 10).Select(x => x.Value));
        Assert.Throws<InvalidOperationException>(() => view.Put("b", "2"));
        Assert.Throws<InvalidOperationException>(() => windowView.Put("w", "y", 6));
        Assert.Throws<InvalidOperationException>(() => task.CommittedStores.CreateVersionedKeyValueStore(Versioned).Put("v", "z", 1));
    }

    [Fact]
    public void Metadata_NullDeletes_AndPrefixReadsReturnOnlyMatchingKeys()
    {
        using var backend = _dir.Open();
        backend.Commit([], new Dictionary<string, byte[]?> { ["offsets/a"] = [1], ["offsets/b"] = [2], ["other"] = [3] });
        backend.Commit([], new Dictionary<string, byte[]?> { ["offsets/a"] = null });
        Assert.Null(backend.ReadMetadata("offsets/a"));
        var entries = backend.ReadMetadataPrefix("offsets/").ToList();
        Assert.Equal("offsets/b", Assert.Single(entries).Key);
        Assert.Equal([2], entries[0].Value);
    }

    [Fact]
    public void OpeningALockedStateDirectory_ThrowsStateDirectoryLockedException_NamingThePath()
    {
        using var first = _dir.Open();
        var e = Assert.Throws<StateDirectoryLockedException>(() => RocksDbStateBackend.Open(_dir.Path));
        Assert.Contains(_dir.Path, e.Message);
    }

    [Fact]
    public void OpeningATaskTwice_IsRefused_UntilTheFirstIsDisposed()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(TaskA);
        Assert.Throws<InvalidOperationException>(() => backend.OpenTask(TaskA));
        task.Dispose();
        Assert.Equal(TaskA, backend.OpenTask(TaskA).TaskId);
    }

    [Fact]
    public void CommittingAForeignTask_IsRefused()
    {
        using var backend = _dir.Open();
        using var otherDir = new TempStateDirectory();
        var foreign = otherDir.Open().OpenTask(TaskA);
        Assert.Throws<ArgumentException>(() => backend.Commit([foreign], NoMetadata));
    }

    [Fact]
    public void ByteArrayKeys_AreComparedByContent()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(TaskA);
        var kv = task.Stores.CreateKeyValueStore(Stores.KeyValue("bytes", Serdes.ByteArray, Serdes.String));
        kv.Put([1, 2], "x");
        Assert.True(kv.TryGet([1, 2], out var pending));
        backend.Commit([task], NoMetadata);
        Assert.True(kv.TryGet([1, 2], out var committed));
        Assert.Equal(("x", "x"), (pending, committed));
    }

    [Fact]
    public void InvalidOptions_AreRejectedNamingTheSetting()
    {
        var e = Assert.Throws<ConfigException>(() => RocksDbStateBackend.Open(_dir.Path, new RocksDbStateOptions { CacheEntriesPerStore = -1 }));
        Assert.Equal(nameof(RocksDbStateOptions.CacheEntriesPerStore), e.Key);
    }

    [Fact]
    public void PowerLossDurability_CommitsAndReopens()
    {
        var options = new RocksDbStateOptions { Durability = RocksDbDurability.PowerLoss, CacheEntriesPerStore = 0 };
        using (var backend = _dir.Open(options))
        {
            var task = backend.OpenTask(TaskA);
            task.Stores.CreateKeyValueStore(Kv).Put("a", "synced");
            backend.Commit([task], new Dictionary<string, byte[]?> { ["m"] = Encoding.UTF8.GetBytes("v") });
        }
        using var reopened = _dir.Open(options);
        Assert.True(reopened.OpenTask(TaskA).Stores.CreateKeyValueStore(Kv).TryGet("a", out var v));
        Assert.Equal("synced", v);
    }
}
