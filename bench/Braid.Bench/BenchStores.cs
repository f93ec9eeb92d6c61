using Braid.Internal.State;
using Braid.Processors;
using Braid.RocksDb;
using Braid.Testing;

namespace Braid.Bench;

internal enum StoreKind { Memory, RocksDb }

/// <summary>
/// The task state behind one benchmark driver: Braid's in-memory stores, or Braid.RocksDb's stores in a fresh
/// directory, committed (one WriteBatch) every <see cref="CommitEvery"/> records as a host's commit interval would;
/// until a commit the RocksDB stores keep writes in their pending overlay, so never committing would measure a
/// dictionary, not RocksDB.
/// </summary>
internal sealed class BenchStores : IDisposable
{
    public const int CommitEvery = 10_000;
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private readonly RocksDbStateBackend? _backend;
    private readonly ITaskState? _task;
    private readonly string? _dir;
    private bool _disposed;

    public BenchStores(StoreKind kind)
    {
        Kind = kind;
        if (kind == StoreKind.Memory) return;
        _dir = Path.Combine(Path.GetTempPath(), "braid-bench-rocks-" + Guid.NewGuid().ToString("N"));
        _backend = RocksDbStateBackend.Open(_dir);
        _task = _backend.OpenTask(new TaskId(0, 0));
    }

    public StoreKind Kind { get; }

    public static string ImplName(StoreKind kind) => kind == StoreKind.Memory ? "braid-driver" : "braid-rocksdb";

    public TopologyTestDriver CreateDriver(Topology topology) =>
        _task is null ? new TopologyTestDriver(topology) : new TopologyTestDriver(topology, null, 0, _task.Stores);

    /// <summary>Called after record i: commits on RocksDB every <see cref="CommitEvery"/> records.</summary>
    public void AfterRecord(int i)
    {
        if (_backend is not null && (i + 1) % CommitEvery == 0) _backend.Commit([_task!], NoMetadata);
    }

    /// <summary>
    /// RocksDB only: flushes and fully compacts the stores' column families, then returns their SST bytes, i.e. the
    /// live state on disk (expired segments are range deletes, which only compaction reclaims). 0 in memory.
    /// </summary>
    public long CompactedBytes(IEnumerable<string> storeNames)
    {
        if (_backend is null) return 0;
        long total = 0;
        foreach (var name in storeNames)
        {
            var family = _backend.Database.StoreFamily(name);
            _backend.Database.Db.CompactRange((byte[]?)null, null, family);
            total += long.Parse(_backend.Database.Db.GetProperty("rocksdb.total-sst-files-size", family), System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    public void Dispose()
    {
        if (_backend is null || _disposed) return;
        _disposed = true;
        _backend.Commit([_task!], NoMetadata);
        _task!.Dispose();
        _backend.Dispose();
        try { Directory.Delete(_dir!, recursive: true); }
        catch (IOException) { /* a leftover temp dir must not fail the benchmark */ }
    }
}
