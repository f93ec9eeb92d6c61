using Braid.Processors;
using Braid.Serialization;
using Braid.State;

namespace Braid.RocksDb.Tests;

public sealed class CorruptionTests : IDisposable
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly KeyValueStoreBuilder<int, string> Kv = Stores.KeyValue("kv", Serdes.Int32, Serdes.String);

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DatabasePath => RocksDbStateBackend.DatabasePath(_dir.Path);

    /// <summary>Commits 2,000 entries and compacts them into a table file, so they are read from disk, not the memtable.</summary>
    private void WriteTableFile()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(Task);
        var store = task.Stores.CreateKeyValueStore(Kv);
        for (int i = 0; i < 2_000; i++) store.Put(i, new string('x', 100) + i);
        backend.Commit([task], new Dictionary<string, byte[]?>());
        backend.Database.Db.CompactRange((byte[]?)null, null, backend.Database.StoreFamily(Kv.Name));
    }

    [Fact]
    public void CorruptDataBlock_MakesAScanThrowATypedError_NotEndOfData()
    {
        WriteTableFile();
        var table = Directory.GetFiles(DatabasePath, "*.sst").Select(f => new FileInfo(f)).MaxBy(f => f.Length)!;
        using (var stream = table.Open(FileMode.Open, FileAccess.Write))
        {
            // The first data blocks sit at the start of the file; the index and footer at its end stay intact.
            stream.Position = 1_024;
            stream.Write(Enumerable.Repeat((byte)0xAB, 4_096).ToArray());
        }
        using var backend = _dir.Open(new RocksDbStateOptions { CacheEntriesPerStore = 0 });
        var store = backend.OpenTask(Task).Stores.CreateKeyValueStore(Kv);
        var e = Assert.ThrowsAny<StateStoreException>(() => store.All());
        Assert.Equal(DatabasePath, e.Path);
        Assert.Contains("corrupt", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CorruptCurrentFile_MakesOpenThrowATypedErrorNamingThePath()
    {
        WriteTableFile();
        File.WriteAllText(Path.Combine(DatabasePath, "CURRENT"), "garbage");
        var e = Assert.ThrowsAny<StateStoreException>(() => RocksDbStateBackend.Open(_dir.Path));
        Assert.IsNotType<StateDirectoryLockedException>(e);
        Assert.Equal(DatabasePath, e.Path);
        Assert.Contains(DatabasePath, e.Message);
    }
}
