using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using RocksDbSharp;

namespace Braid.RocksDb.Tests;

/// <summary>
/// Commits add a store's writes to the batch in RocksDB's key order (KeyOrderedWrites: sorted memtable inserts are
/// cheaper). The order is invisible to reads, so these tests read the batch itself: its puts and deletes must come in
/// bytewise key order, which the pending dictionaries' hash order almost never is for 300 keys of mixed lengths.
/// </summary>
public sealed class KeyOrderedWritesTests : IDisposable
{
    private static readonly TaskId Task = new(0, 0);
    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IEnumerable<string> ScrambledKeys()
    {
        var random = new Random(19); // fixed: the same keys in the same scrambled order on every run
        return Enumerable.Range(0, 300).Select(i => "k" + i * 7919 % 1000).Distinct().OrderBy(_ => random.Next());
    }

    [Fact]
    public void KeyValueStore_WritesPutsAndDeletes_InKeyOrder()
    {
        using var backend = _dir.Open();
        var task = (RocksTaskState)backend.OpenTask(Task);
        var kv = task.Stores.CreateKeyValueStore(Stores.KeyValue("kv", Serdes.String, Serdes.String));
        foreach (var key in ScrambledKeys()) kv.Put(key, "v");
        backend.Commit([task], new Dictionary<string, byte[]?>());
        foreach (var key in ScrambledKeys().Take(100)) kv.Delete(key);
        foreach (var key in ScrambledKeys().Skip(100)) kv.Put(key, "w");
        using var batch = new WriteBatch();
        task.WritePending(batch);
        var keys = BatchKeys(batch);
        Assert.Equal(ScrambledKeys().Count(), keys.Count);
        Assert.Equal(keys.OrderBy(k => k, ByteArrayComparer.Instance), keys);
    }

    [Fact]
    public void WindowStore_WritesEntriesInKeyOrder_SegmentFirst_ThenKeyLengthAndBytes()
    {
        using var backend = _dir.Open();
        var task = (RocksTaskState)backend.OpenTask(Task);
        var window = task.Stores.CreateWindowStore(new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(1000), true, Serdes.String, Serdes.String));
        long ts = 0;
        foreach (var key in ScrambledKeys()) window.Put(key, "v", ts += 3); // spans two segments of 500 ms
        using var batch = new WriteBatch();
        task.WritePending(batch);
        var keys = BatchKeys(batch).Where(k => k[KeyLayout.TaskPrefixLength] == 0x01).ToList(); // data, not metadata
        Assert.Equal(ScrambledKeys().Count(), keys.Count);
        Assert.Equal(keys.OrderBy(k => k, ByteArrayComparer.Instance), keys);
    }

    /// <summary>
    /// The keys of a batch's puts and deletes, in batch order, from its wire format (RocksDB db/write_batch.cc: a
    /// 12-byte header, then records: type, column family id for non-default families, length-prefixed key and value).
    /// </summary>
    /// <summary>A commit writes a window key's pending puts only, not the committed entries loaded beside them in the
    /// key's in-memory list (review of s13-rss: skipping the pending check, or never clearing the flag, rewrote a whole
    /// retention of every written key at every commit, with every other test passing).</summary>
    [Fact]
    public void WindowStore_SecondCommit_WritesOnlyTheNewPuts_NotTheLoadedCommittedEntries()
    {
        using var backend = _dir.Open();
        var task = (RocksTaskState)backend.OpenTask(Task);
        var window = task.Stores.CreateWindowStore(new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(1000), true, Serdes.String, Serdes.String));
        window.Put("k", "a", 10);
        window.Put("k", "b", 11);
        backend.Commit([task], new Dictionary<string, byte[]?>());
        window.Put("k", "c", 12); // two committed entries in the key's list, one pending put
        using var batch = new WriteBatch();
        task.WritePending(batch);
        Assert.Single(BatchKeys(batch), k => k[KeyLayout.TaskPrefixLength] == 0x01);
    }

    private static List<byte[]> BatchKeys(WriteBatch batch)
    {
        var rep = batch.ToBytes();
        var keys = new List<byte[]>();
        int at = 12;
        while (at < rep.Length)
        {
            byte type = rep[at++];
            if (type is 0x04 or 0x05 or 0x0E) ReadVarint(rep, ref at); // column family id
            int keyLength = (int)ReadVarint(rep, ref at);
            var key = rep.AsSpan(at, keyLength).ToArray();
            at += keyLength;
            switch (type)
            {
                case 0x00 or 0x04: // deletion
                    keys.Add(key);
                    break;
                case 0x01 or 0x05: // value
                    keys.Add(key);
                    Skip(rep, ref at);
                    break;
                case 0x0E: // range deletion: its end key follows
                    Skip(rep, ref at);
                    break;
                default:
                    throw new InvalidOperationException($"unexpected write batch record type 0x{type:X2}");
            }
        }
        return keys;
    }

    /// <summary>Skips a length-prefixed slice.</summary>
    private static void Skip(byte[] data, ref int at)
    {
        int length = (int)ReadVarint(data, ref at);
        at += length;
    }

    private static uint ReadVarint(byte[] data, ref int at)
    {
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[at++];
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
    }
}
