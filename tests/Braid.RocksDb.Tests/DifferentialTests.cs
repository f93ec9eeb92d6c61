using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// Random operations on a RocksDB store and on the in-memory store of the same kind, with commits at
/// random points, so reads cross every mix of committed and pending data. Every read must agree.
/// On failure CsCheck prints the seed; replay it with Sample(..., seed: "that seed").
/// </summary>
public sealed class DifferentialTests : IDisposable
{
    // Keys that are prefixes of each other and empty, to exercise byte order and prefix bounds.
    private static readonly string[] KeyPool = ["", "a", "ab", "abc", "b", "ba", "c"];
    private static readonly Gen<(int Kind, int A, int B, int C)> Op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 6], Gen.Int[0, 40], Gen.Int[0, 40]);

    private readonly SharedBackend _cached = new();
    private readonly SharedBackend _uncached = new(new RocksDbStateOptions { CacheEntriesPerStore = 0 });

    public void Dispose()
    {
        _cached.Dispose();
        _uncached.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KeyValueStore_AgreesWithInMemory(bool cache)
    {
        var shared = cache ? _cached : _uncached;
        Op.Array[1, 80].Sample(ops =>
        {
            var task = shared.NewTask();
            var builder = Stores.KeyValue("kv", Serdes.String, Serdes.String);
            var rocks = task.Stores.CreateKeyValueStore(builder);
            var model = InMemoryStoreFactory.Instance.CreateKeyValueStore(builder);
            foreach (var (kind, a, b, _) in ops)
            {
                string key = KeyPool[a], other = KeyPool[b % KeyPool.Length];
                switch (kind)
                {
                    case 0 or 1 or 2: rocks.Put(key, "v" + b); model.Put(key, "v" + b); break;
                    case 3: Assert.Equal(model.Delete(key), rocks.Delete(key)); break;
                    case 4: Assert.Equal(Get(model, key), Get(rocks, key)); break;
                    case 5: Assert.Equal(model.Range(key, other), rocks.Range(key, other)); break;
                    case 6:
                        Assert.Equal(model.PrefixScan(key, Serdes.String), rocks.PrefixScan(key, Serdes.String));
                        // The joins' reused-list scan (issue 19) must read what PrefixScan reads, from a dirty list too.
                        Assert.Equal(model.PrefixScan(key, Serdes.String), ScanInto(rocks, key));
                        break;
                    case 7: Assert.Equal(model.All(), rocks.All()); Assert.Equal(model.ApproximateCount, rocks.ApproximateCount); break;
                    default: shared.Backend.Commit([task], new Dictionary<string, byte[]?>()); break;
                }
            }
            task.Dispose();
        }, iter: 200);
    }

    private static List<KeyValue<string, string>> ScanInto(IKeyValueStore<string, string> store, string prefix)
    {
        Assert.IsAssignableFrom<IPrefixScanInto<string, string>>(store);
        var output = new List<KeyValue<string, string>> { new("stale", "entry") };
        IPrefixScanInto<string, string>.ScanInto(store, Serdes.String.Serialize(prefix), output);
        return output;
    }

    private static (bool, string?) Get(IKeyValueStore<string, string> store, string key) =>
        store.TryGet(key, out var v) ? (true, v) : (false, null);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WindowStore_AgreesWithInMemory(bool cache)
    {
        var shared = cache ? _cached : _uncached;
        Gen.Select(Op.Array[1, 80], Gen.Int[0, 30], Gen.Bool).Sample(t =>
        {
            var (ops, retention, duplicates) = t;
            var task = shared.NewTask();
            var builder = new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(retention), duplicates, Serdes.String, Serdes.String);
            var rocks = task.Stores.CreateWindowStore(builder);
            var model = InMemoryStoreFactory.Instance.CreateWindowStore(builder);
            foreach (var (kind, a, b, c) in ops)
            {
                string key = KeyPool[a % 3];
                switch (kind)
                {
                    case <= 4: Assert.Equal(model.Put(key, "v" + c, b), rocks.Put(key, "v" + c, b)); break;
                    case <= 7: Assert.Equal(model.Fetch(key, Math.Min(b, c), Math.Max(b, c)), rocks.Fetch(key, Math.Min(b, c), Math.Max(b, c))); break;
                    case 8: Assert.Equal(model.ObservedStreamTime, rocks.ObservedStreamTime); break;
                    default: shared.Backend.Commit([task], new Dictionary<string, byte[]?>()); break;
                }
            }
            task.Dispose();
        }, iter: 200);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SessionStore_AgreesWithInMemory(bool cache)
    {
        var shared = cache ? _cached : _uncached;
        Gen.Select(Op.Array[1, 80], Gen.Int[0, 30]).Sample(t =>
        {
            var (ops, retention) = t;
            var task = shared.NewTask();
            var builder = new SessionStoreBuilder<string, string>("sessions", TimeSpan.FromMilliseconds(retention), Serdes.String, Serdes.String);
            var rocks = task.Stores.CreateSessionStore(builder);
            var model = InMemoryStoreFactory.Instance.CreateSessionStore(builder);
            foreach (var (kind, a, b4, c4) in ops)
            {
                string key = KeyPool[a % 3];
                var (b, c) = (b4 / 4, c4 / 4); // few distinct sessions, so puts, removes and reads meet
                var session = new Windowed<string>(key, new Window(Math.Min(b, c), Math.Max(b, c)));
                switch (kind)
                {
                    case <= 3: Assert.Equal(model.Put(session, "v" + b), rocks.Put(session, "v" + b)); break;
                    case 4: Assert.Equal(model.Remove(session), rocks.Remove(session)); break;
                    case 5: Assert.Equal(model.FindSessions(key, b, c), rocks.FindSessions(key, b, c)); break;
                    case 6: Assert.Equal(model.FindSessionsByEndTime(Math.Min(b, c), Math.Max(b, c)), rocks.FindSessionsByEndTime(Math.Min(b, c), Math.Max(b, c))); break;
                    case 7:
                        Assert.Equal(
                            model.TryFetchSession(key, session.Window.Start, session.Window.End, out var mv) ? mv : null,
                            rocks.TryFetchSession(key, session.Window.Start, session.Window.End, out var rv) ? rv : null);
                        break;
                    case 8: Assert.Equal(model.ObservedStreamTime, rocks.ObservedStreamTime); break;
                    default: shared.Backend.Commit([task], new Dictionary<string, byte[]?>()); break;
                }
            }
            task.Dispose();
        }, iter: 200);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void VersionedStore_AgreesWithInMemory(bool cache)
    {
        var shared = cache ? _cached : _uncached;
        Gen.Select(Op.Array[1, 80], Gen.Int[0, 30]).Sample(t =>
        {
            var (ops, retention) = t;
            var task = shared.NewTask();
            var builder = new VersionedStoreBuilder<string, string>("versioned", TimeSpan.FromMilliseconds(retention), Serdes.String, Serdes.String);
            var rocks = task.Stores.CreateVersionedKeyValueStore(builder);
            var model = InMemoryStoreFactory.Instance.CreateVersionedKeyValueStore(builder);
            foreach (var (kind, a, b, c) in ops)
            {
                string key = KeyPool[a % 3];
                switch (kind)
                {
                    case <= 3:
                        string? value = c % 5 == 0 ? null : "v" + c;
                        Assert.Equal(model.Put(key, value, b), rocks.Put(key, value, b));
                        break;
                    case 4:
                        Assert.Equal(model.Delete(key, b, out var md) ? md : (VersionedRecord<string>?)null, rocks.Delete(key, b, out var rd) ? rd : null);
                        break;
                    case 5 or 6:
                        Assert.Equal(model.TryGet(key, b, out var ma) ? ma : (VersionedRecord<string>?)null, rocks.TryGet(key, b, out var ra) ? ra : null);
                        break;
                    case 7 or 8:
                        Assert.Equal(model.TryGet(key, out var ml) ? ml : (VersionedRecord<string>?)null, rocks.TryGet(key, out var rl) ? rl : null);
                        break;
                    default: shared.Backend.Commit([task], new Dictionary<string, byte[]?>()); break;
                }
            }
            task.Dispose();
        }, iter: 200);
    }
}
