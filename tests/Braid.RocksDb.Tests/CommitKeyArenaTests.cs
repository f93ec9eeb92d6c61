using Braid.Internal.Joins.ForeignKey;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;
using RocksDbSharp;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A key–value store's commit writes the keys it has not serialized yet into one reused arena (CommitKeyArena) and the
/// subscription store's hash-and-timestamp values into a reused buffer, instead of an array each (issue 19, session 14).
/// The batch must still hold, in bytewise key order, exactly the serdes' bytes of every pending write; the committed
/// bounds (floor and ceiling, which let reads skip RocksDB) must still move to the lowest and highest key put.
/// </summary>
public sealed class CommitKeyArenaTests
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    // Keys of different lengths, some a prefix of another, multi-byte UTF-8: byte order differs from string order.
    private static readonly string[] StringKeys = ["a", "ab", "a0", "abc", "b", "\u00e9", "z\u00e9z", "zz", "k1", "k10", "k2", ""];
    private static readonly string[] Fks = ["1", "10", "2", "\u00e9"];
    private static readonly KeyValueStoreBuilder<string, string> Table = Stores.KeyValue("table", Serdes.String, Serdes.String);
    private static readonly CombinedKeySerde<string, string> Combined = new(Serdes.String, Serdes.String);
    private static readonly KeyValueStoreBuilder<CombinedKey<string, string>, ValueAndTimestamp<UInt128>> Subscriptions =
        new("subscriptions", Combined, HashAndTimestampSerde.Instance);

    /// <summary>
    /// Random commits of puts and deletes (CsCheck, 200 cases; a failing case prints its seed) into a string-keyed table
    /// store and a subscription store: each commit's batch holds, key by key in bytewise order, the key serde's bytes and
    /// the value serde's bytes of the store's pending value; after the commits a reopened store holds the model.
    /// </summary>
    [Fact]
    public void EachCommit_WritesThePendingKeysAndValues_AsTheSerdesBytes_InKeyOrder_AndAReopenReadsTheModel()
    {
        var op = Gen.Select(Gen.Int[0, StringKeys.Length - 1], Gen.Int[0, Fks.Length - 1], Gen.Bool, Gen.Long[-5, 5]);
        Gen.Select(op.Array[1, 12].Array[1, 5], Gen.Bool).Sample((commits, scanFirst) =>
        {
            using var dir = new TempStateDirectory();
            var tableModel = new Dictionary<string, string>();
            var subsModel = new Dictionary<CombinedKey<string, string>, ValueAndTimestamp<UInt128>>();
            using (var backend = dir.Open())
            {
                var task = (RocksTaskState)backend.OpenTask(Task);
                var table = task.Stores.CreateKeyValueStore(Table);
                var subs = task.Stores.CreateKeyValueStore(Subscriptions);
                if (scanFirst) subs.PrefixScan("1", Combined.PrefixSerde).ToList(); // the pending index exists: keys held serialized
                foreach (var commit in commits)
                {
                    foreach (var (k, f, delete, n) in commit)
                    {
                        var key = StringKeys[k];
                        var sub = new CombinedKey<string, string>(Fks[f], key);
                        if (delete)
                        {
                            table.Delete(key);
                            subs.Delete(sub);
                            tableModel.Remove(key);
                            subsModel.Remove(sub);
                        }
                        else
                        {
                            var value = new ValueAndTimestamp<UInt128>(new UInt128((ulong)n, (ulong)(k * 31 + f)), n * 1000);
                            table.Put(key, key + n);
                            subs.Put(sub, value);
                            tableModel[key] = key + n;
                            subsModel[sub] = value;
                        }
                    }
                    AssertBatch(Serdes.String, Serdes.String, table);
                    AssertBatch(Combined, HashAndTimestampSerde.Instance, subs);
                    backend.Commit([task], NoMetadata);
                }
            }
            using var reopened = dir.Open();
            var again = reopened.OpenTask(Task);
            Assert.Equal(tableModel.OrderBy(e => e.Key, StringComparer.Ordinal), again.Stores.CreateKeyValueStore(Table).All()
                .Select(e => new KeyValuePair<string, string>(e.Key, e.Value)).OrderBy(e => e.Key, StringComparer.Ordinal));
            var subsRead = again.Stores.CreateKeyValueStore(Subscriptions).All().ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal(subsModel.Count, subsRead.Count);
            foreach (var (k, v) in subsModel) Assert.Equal(v, subsRead[k]);
        }, iter: 200);
    }

    /// <summary>
    /// Without a value cache every read of a key not pending asks the committed bounds first: a key above the ceiling or
    /// below the floor is answered absent without RocksDB. Commits of keys below the learned floor and above the learned
    /// ceiling (through the arena: no pending index) must move both, or those keys would read as absent.
    /// </summary>
    [Fact]
    public void KeysPutBelowTheFloorAndAboveTheCeiling_ReadBack_WithoutACache()
    {
        using var dir = new TempStateDirectory();
        using var backend = dir.Open(new RocksDbStateOptions { CacheEntriesPerStore = 0 });
        var task = backend.OpenTask(Task);
        var kv = (RocksKeyValueStore<string, string>)task.Stores.CreateKeyValueStore(Table);
        foreach (var key in new[] { "m1", "m2", "m3" }) kv.Put(key, "v" + key);
        backend.Commit([task], NoMetadata);
        Assert.False(kv.TryGet("zzz", out _)); // learns the ceiling: m3
        Assert.Equal(3, kv.All().Count()); // learns the floor: m1
        Assert.Equal(Serdes.String.Serialize("m3"), kv.Ceiling.Key);
        Assert.Equal(Serdes.String.Serialize("m1"), kv.Floor.Key);
        string[] added = ["a1", "a0", "z9", "n5", "z8", "b"];
        foreach (var key in added) kv.Put(key, "v" + key);
        kv.Delete("m2");
        backend.Commit([task], NoMetadata);
        Assert.Equal(Serdes.String.Serialize("z9"), kv.Ceiling.Key);
        Assert.Equal(Serdes.String.Serialize("a0"), kv.Floor.Key);
        foreach (var key in added.Append("m1").Append("m3"))
        {
            Assert.True(kv.TryGet(key, out var value), key);
            Assert.Equal("v" + key, value);
        }
        Assert.False(kv.TryGet("m2", out _));
    }

    /// <summary>The subscription value serde writes into a buffer exactly the bytes of its array form.</summary>
    [Fact]
    public void HashAndTimestamp_WrittenIntoABuffer_EqualsItsArray()
    {
        Gen.Select(Gen.ULong, Gen.ULong, Gen.Long).Sample((hi, lo, ts) =>
        {
            var value = new ValueAndTimestamp<UInt128>(new UInt128(hi, lo), ts);
            byte[] buffer = new byte[40];
            Assert.Equal(HashAndTimestampSerde.Instance.Serialize(value),
                ((IBufferedSerde<ValueAndTimestamp<UInt128>>)HashAndTimestampSerde.Instance).Serialize(value, ref buffer).ToArray());
            Assert.Equal(value, HashAndTimestampSerde.Instance.Deserialize(buffer.AsSpan(0, 24)));
        });
    }

    /// <summary>The store's puts and deletes in the batch (data keys of its column family): keys ascending, each key the
    /// key serde's bytes of a key whose pending write the store reads back, each put's value the value serde's bytes.</summary>
    private static void AssertBatch<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde, IKeyValueStore<TKey, TValue> store)
    {
        using var batch = new WriteBatch(); // a probe: the commit that follows writes the store's pending writes again
        ((RocksStore<TKey>)store).WritePending(batch);
        var records = BatchRecords(batch);
        for (int i = 1; i < records.Count; i++) Assert.True(ByteArrayComparer.Instance.Compare(records[i - 1].Key, records[i].Key) < 0, "keys out of order");
        foreach (var (_, stored, value) in records)
        {
            var keyBytes = stored[KeyLayout.DataPrefixLength..];
            var key = keySerde.Deserialize(keyBytes);
            Assert.Equal(keySerde.Serialize(key), keyBytes);
            bool present = store.TryGet(key, out var current);
            Assert.Equal(present, value is not null);
            if (value is not null) Assert.Equal(valueSerde.Serialize(current), value);
        }
    }

    /// <summary>The batch's records in order: (column family id, key, value or null for a delete), from its wire format
    /// (RocksDB db/write_batch.cc: a 12-byte header, then type, family id for non-default families, length-prefixed key
    /// and value).</summary>
    private static List<(uint Family, byte[] Key, byte[]? Value)> BatchRecords(WriteBatch batch)
    {
        var rep = batch.ToBytes();
        var records = new List<(uint, byte[], byte[]?)>();
        int at = 12;
        while (at < rep.Length)
        {
            byte type = rep[at++];
            uint family = type is 0x04 or 0x05 ? (uint)ReadVarint(rep, ref at) : 0;
            var key = ReadSlice(rep, ref at);
            records.Add(type switch
            {
                0x00 or 0x04 => (family, key, null),
                0x01 or 0x05 => (family, key, ReadSlice(rep, ref at)),
                _ => throw new InvalidOperationException($"unexpected write batch record type 0x{type:X2}"),
            });
        }
        return records;
    }

    private static byte[] ReadSlice(byte[] rep, ref int at)
    {
        int length = (int)ReadVarint(rep, ref at);
        var slice = rep.AsSpan(at, length).ToArray();
        at += length;
        return slice;
    }

    private static ulong ReadVarint(byte[] rep, ref int at)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = rep[at++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
    }
}
