using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A foreign-key join's subscription store on RocksDB answers a group's prefix scan from memory once a scan read the
/// group (<c>PrefixGroupCache</c>). The cached group must always be what RocksDB and the pending writes hold: after
/// puts and deletes into cached and uncached groups, commits, discarded commits, crashes, and evictions.
/// </summary>
public sealed class PrefixGroupCacheTests
{
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private static readonly CombinedKeySerde<string, string> Keys = new(Serdes.String, Serdes.String);
    private static readonly KeyValueStoreBuilder<CombinedKey<string, string>, string> Subscriptions = new("subscriptions", Keys, Serdes.String);

    // Foreign keys "1" and "10" share bytes: the length in front of the prefix must keep their groups apart.
    private static readonly string[] Fks = ["1", "10", "2", "k", "k0"];

    // Fixed-width foreign keys (a Long foreign key, big-endian): negative ones sort after positive ones in byte order,
    // and 256 and 1 differ only in one inner byte.
    private static readonly long[] LongFks = [0, 1, 256, -1, long.MaxValue];

    // Primary keys of different lengths, some a prefix of another: a group's order is the primary keys' byte order
    // ("a" < "a0" < "ab" < "abc" < "b"), which a cache ordering by length first, or by string comparison, would break.
    private static readonly string[] Pks = ["ab", "a", "abc", "b", "a0", "\u00e9", "z\u00e9z"];

    /// <summary>
    /// Random puts, deletes, group scans (the join's reused-list scan and the public PrefixScan), point reads, commits,
    /// discarded commits and crashes against a from-scratch model (a dictionary; a group = its foreign key's entries in
    /// the primary keys' UTF-8 byte order), with a cache bound of 2, 5 or the default so evictions happen; string and
    /// Long foreign keys, primary keys of different lengths. CsCheck prints the seed of a failing case; replay it with
    /// Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void GroupScans_AgreeWithAModel_AcrossWritesCommitsDiscardsCrashesAndEvictions() =>
        GroupScansAgreeWithAModel("subscriptions", Serdes.String, Fks);

    /// <summary>The same with a Long foreign key (a fixed-width, big-endian prefix).</summary>
    [Fact]
    public void GroupScans_OfLongForeignKeys_AgreeWithAModel() =>
        GroupScansAgreeWithAModel("subscriptions-long", Serdes.Int64, LongFks);

    private static void GroupScansAgreeWithAModel<TFk>(string storeName, Serde<TFk> fkSerde, TFk[] fks) where TFk : notnull
    {
        var keys = new CombinedKeySerde<TFk, string>(fkSerde, Serdes.String);
        var builder = new KeyValueStoreBuilder<CombinedKey<TFk, string>, string>(storeName, keys, Serdes.String);
        // One backend per cache bound, a new task (its own keys in the shared column family) per sample: opening RocksDB
        // per sample would make this test slow.
        using SharedBackend tiny = new(new RocksDbStateOptions { CacheEntriesPerStore = 2 }),
            small = new(new RocksDbStateOptions { CacheEntriesPerStore = 5 }), normal = new();
        var op = Gen.Select(Gen.Int[0, 10], Gen.Int[0, fks.Length - 1], Gen.Int[0, Pks.Length - 1], Gen.Int[0, 9]);
        Gen.Select(Gen.Int[0, 2], op.Array[1, 80]).Sample((bound, ops) =>
        {
            var shared = bound == 0 ? tiny : bound == 1 ? small : normal;
            var task = shared.NewTask();
            var id = task.TaskId;
            var store = task.Stores.CreateKeyValueStore(builder);
            var model = new Dictionary<(TFk Fk, string Pk), string>();
            var committed = new Dictionary<(TFk Fk, string Pk), string>();
            var scanned = new List<KeyValue<CombinedKey<TFk, string>, string>>();
            byte[]? reusedPrefix = null;
            foreach (var (kind, f, p, v) in ops)
            {
                TFk fk = fks[f];
                string pk = Pks[p];
                var key = new CombinedKey<TFk, string>(fk, pk);
                switch (kind)
                {
                    case <= 2: store.Put(key, "v" + v); model[(fk, pk)] = "v" + v; break;
                    case 3 or 4: Assert.Equal(model.Remove((fk, pk)), store.Delete(key)); break;
                    case 5 or 6:
                        // One prefix array reused across scans, as the FK join's right-table node does (GroupPrefix), and
                        // overwritten with junk after each: a store or cache keeping the array instead of copying it would
                        // serve a later scan from the wrong group (IPrefixScanInto: stores read the prefix only during the call).
                        IPrefixScanInto<CombinedKey<TFk, string>, string>.ScanInto(store, keys.GroupPrefix(fk, ref reusedPrefix), scanned);
                        Array.Fill(reusedPrefix!, (byte)0xAB);
                        Assert.Equal(Group(model, fk), scanned.Select(e => (e.Key.Prefix, e.Key.Primary, e.Value)));
                        break;
                    case 7:
                        Assert.Equal(Group(model, fk), store.PrefixScan(fk, keys.PrefixSerde).Select(e => (e.Key.Prefix, e.Key.Primary, e.Value)));
                        Assert.Equal(model.TryGetValue((fk, pk), out var expected) ? expected : null, store.TryGet(key, out var actual) ? actual : null);
                        break;
                    case 8:
                        shared.Backend.Commit([task], NoMetadata);
                        committed = new(model);
                        break;
                    case 9:
                        task.DiscardPending(); // a failed commit: back to the committed state, same store objects
                        model = new(committed);
                        break;
                    default:
                        task.Dispose(); // a crash: pending writes are lost
                        task = shared.Backend.OpenTask(id);
                        store = task.Stores.CreateKeyValueStore(builder);
                        model = new(committed);
                        break;
                }
            }
            foreach (var fk in fks)
                Assert.Equal(Group(model, fk), store.PrefixScan(fk, keys.PrefixSerde).Select(e => (e.Key.Prefix, e.Key.Primary, e.Value)));
            task.Dispose();
        }, iter: 300);
    }

    /// <summary>The cache holds the groups scans read (an empty one too), and a discarded commit empties it.</summary>
    [Fact]
    public void AScannedGroup_IsCached_AndADiscardedCommitForgetsIt()
    {
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var id = task.TaskId;
        var first = task.Stores.CreateKeyValueStore(Subscriptions);
        first.Put(new("1", "a"), "x");
        shared.Backend.Commit([task], NoMetadata);
        // Reopened over a committed key, the cache is partial: it holds the groups scans read (a new store's is complete).
        task.Dispose();
        task = shared.Backend.OpenTask(id);
        var store = (RocksKeyValueStore<CombinedKey<string, string>, string>)task.Stores.CreateKeyValueStore(Subscriptions);
        Assert.Single(store.PrefixScan("1", Keys.PrefixSerde));
        Assert.Empty(store.PrefixScan("10", Keys.PrefixSerde));
        Assert.Equal(2, store.CachedGroups);
        store.Put(new("10", "b"), "y");
        Assert.Single(store.PrefixScan("10", Keys.PrefixSerde)); // answered from the group the put kept up to date
        task.DiscardPending();
        Assert.Equal(0, store.CachedGroups);
        Assert.Empty(store.PrefixScan("10", Keys.PrefixSerde));
        task.Dispose();
    }

    /// <summary>A key put and deleted between two commits, whose absence from the committed state was known, is dropped
    /// from the pending writes rather than deleted (RocksKeyValueStore's fresh keys): its cached group must lose it too.</summary>
    [Fact]
    public void AFreshKeyDeletedBeforeTheCommit_LeavesItsCachedGroup()
    {
        using var shared = new SharedBackend();
        var task = shared.NewTask();
        var store = task.Stores.CreateKeyValueStore(Subscriptions);
        Assert.False(store.Delete(new("1", "a"))); // reads the key: its absence is now known
        store.Put(new("1", "a"), "x");
        Assert.Single(store.PrefixScan("1", Keys.PrefixSerde)); // the group is cached with it
        Assert.True(store.Delete(new("1", "a")));
        Assert.Empty(store.PrefixScan("1", Keys.PrefixSerde));
        shared.Backend.Commit([task], NoMetadata);
        Assert.Empty(store.PrefixScan("1", Keys.PrefixSerde));
        task.Dispose();
    }

    private static IEnumerable<(TFk, string, string)> Group<TFk>(Dictionary<(TFk Fk, string Pk), string> model, TFk fk) where TFk : notnull =>
        model.Where(e => EqualityComparer<TFk>.Default.Equals(e.Key.Fk, fk)).OrderBy(e => Encoding.UTF8.GetBytes(e.Key.Pk), ByteArrayComparer.Instance)
            .Select(e => (e.Key.Fk, e.Key.Pk, e.Value));
}
