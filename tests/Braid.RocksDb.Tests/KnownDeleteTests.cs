using Braid.Internal.Aggregations;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;
using static Braid.RocksDb.Tests.CollectMemberModel;

namespace Braid.RocksDb.Tests;

/// <summary>
/// Issue 19, s17-tl: a Collect member's removal deletes its entry without reading it (<see cref="IDeleteKnown{TKey}"/>:
/// the value cache no longer holds most of a long timeline's entries, and <c>Delete</c> read and deserialized each one only
/// to learn it existed), and a store whose scans stopped drops its pending-key index at the commit instead of keeping it
/// up to date on every write. Neither may lose a delete or a key: the store must read back as a dictionary model across
/// commits, crashes and a reopen.
/// </summary>
public sealed class KnownDeleteTests : IDisposable
{
    private const string StoreName = "timeline-members";
    private static readonly TaskId Task = new(0, 0);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private static readonly KeyValueStoreBuilder<string, string> Kv = Stores.KeyValue("kv", Serdes.String, Serdes.String);

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ARemovedMember_TheValueCacheNoLongerHolds_IsDeletedWithoutAStoreRead_AndStaysDeletedAfterAReopen()
    {
        var options = new RocksDbStateOptions { CacheEntriesPerStore = 2 };
        var counting = new CountingSerde(new MemberPage<int>.ValueSerde(new ListSerde<int>(Serdes.Int32)));
        var builder = new KeyValueStoreBuilder<MemberPageKey<string>, MemberPage<int>>(StoreName, new MemberPageKey<string>.KeySerde(Serdes.String), counting);
        var model = new List<int>();
        using (var backend = _dir.Open(options))
        {
            var task = backend.OpenTask(Task);
            var members = new PagedMembers<string, int>(StoreName, task.Stores.CreateKeyValueStore(builder), entries: true);
            members.Load("follower");
            for (int i = 0; i < 100; i++)
            {
                members.Insert(0, i);
                model.Insert(0, i);
            }
            members.Save();
            backend.Commit([task], NoMetadata);
            counting.Reads = 0;
            foreach (int at in new[] { 50, 0, 97 })
            {
                members.Load("follower"); // the group is in the Collect's memory: no scan
                members.RemoveAt(at);
                model.RemoveAt(at);
                members.Save();
            }
            backend.Commit([task], NoMetadata);
            Assert.Equal(0, counting.Reads); // Delete read each entry back (a RocksDB read and a deserialization) first
            task.Dispose();
        }
        using var reopened = _dir.Open(options);
        var store = reopened.OpenTask(Task).Stores.CreateKeyValueStore(builder);
        Assert.Equal(model, store.All().Where(e => !e.Key.IsMarker).Select(e => e.Value.Value).ToList());
    }

    [Fact]
    public void DeleteKnown_AgreesWithADictionaryModel_AcrossCommitsCrashesAndAReopen_WhateverTheCacheHolds()
    {
        // put (0), DeleteKnown of a key the model holds (1), Delete (2), a scan (3), commit (4), crash (5). No point reads
        // between: a read caches the key, and the path under test is the delete of a key the cache does not hold.
        var op = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 30], Gen.Int[0, 1000]);
        Gen.Select(op.Array[1, 120], Gen.OneOf(Gen.Const(0), Gen.Const(2), Gen.Const(6), Gen.Const(65_536))).Sample(t =>
        {
            var (ops, cache) = t;
            var options = new RocksDbStateOptions { CacheEntriesPerStore = cache };
            using var dir = new TempStateDirectory();
            var backend = dir.Open(options);
            var task = backend.OpenTask(Task);
            var kv = task.Stores.CreateKeyValueStore(Kv);
            var committed = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var pending = new SortedDictionary<string, string>(StringComparer.Ordinal);
            try
            {
                foreach (var (kind, k, v) in ops)
                {
                    string key = "k" + k.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
                    switch (kind)
                    {
                        case 0:
                            kv.Put(key, "v" + v);
                            pending[key] = "v" + v;
                            break;
                        case 1:
                            if (!pending.Remove(key)) break; // DeleteKnown's contract: the caller knows the key present
                            ((IDeleteKnown<string>)kv).DeleteKnown(key);
                            break;
                        case 2:
                            Assert.Equal(pending.Remove(key), kv.Delete(key));
                            break;
                        case 3:
                            Assert.Equal(pending.ToList(), kv.Range("k00", "k99").Select(e => KeyValuePair.Create(e.Key, e.Value)).ToList());
                            break;
                        case 4:
                            backend.Commit([task], NoMetadata);
                            committed = new SortedDictionary<string, string>(pending, StringComparer.Ordinal);
                            break;
                        default:
                            task.Dispose();
                            task = backend.OpenTask(Task);
                            kv = task.Stores.CreateKeyValueStore(Kv);
                            pending = new SortedDictionary<string, string>(committed, StringComparer.Ordinal);
                            break;
                    }
                }
                backend.Commit([task], NoMetadata);
                task.Dispose();
                backend.Dispose();
                backend = dir.Open(options);
                task = backend.OpenTask(Task);
                Assert.Equal(pending.ToList(), task.Stores.CreateKeyValueStore(Kv).All().Select(e => KeyValuePair.Create(e.Key, e.Value)).ToList());
            }
            finally
            {
                task.Dispose();
                backend.Dispose();
            }
        }, iter: 60);
    }

    [Fact]
    public void AStoreWhoseScansStopped_DropsItsPendingIndexAtTheCommit_AndAStoreThatScansKeepsIt()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(Task);
        var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Kv);
        kv.Put("a", "1");
        Assert.Equal(new[] { "a" }, kv.Range("a", "z").Select(e => e.Key)); // the scan indexes the pending keys
        Assert.True(kv.HasPendingIndex);
        backend.Commit([task], NoMetadata);
        Assert.True(kv.HasPendingIndex); // read since the last commit: kept, emptied
        kv.Put("b", "2");
        backend.Commit([task], NoMetadata); // no scan read it in this interval
        Assert.False(kv.HasPendingIndex);
        kv.Put("c", "3"); // no sorted insert any more
        Assert.False(kv.HasPendingIndex);
        Assert.Equal(new[] { "a", "b", "c" }, kv.Range("a", "z").Select(e => e.Key)); // rebuilt by the next scan
        task.Dispose();
    }
}
