using Braid.Processors;
using Braid.RocksDb;

namespace Braid.RocksDb.Tests;

/// <summary>A fresh state directory, deleted on dispose, with helpers to open backends on it.</summary>
public sealed class TempStateDirectory : IDisposable
{
    private readonly List<RocksDbStateBackend> _backends = new();

    public TempStateDirectory() =>
        Path = Directory.CreateTempSubdirectory("braid-rocks-").FullName;

    public string Path { get; }

    internal RocksDbStateBackend Open(RocksDbStateOptions? options = null)
    {
        var backend = RocksDbStateBackend.Open(Path, options);
        _backends.Add(backend);
        return backend;
    }

    public void Dispose()
    {
        foreach (var backend in _backends) backend.Dispose();
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a child process may still be releasing files */ }
    }
}

/// <summary>
/// One backend shared by the stores a contract test creates; each store gets its own task, so stores
/// never see each other's data and no column family is created per store. Thread-safe (CsCheck samples in parallel).
/// </summary>
internal sealed class SharedBackend : IDisposable
{
    private readonly TempStateDirectory _dir = new();
    private int _nextPartition;

    public SharedBackend(RocksDbStateOptions? options = null) => Backend = _dir.Open(options);

    public RocksDbStateBackend Backend { get; }

    public Braid.Internal.State.ITaskState NewTask() => Backend.OpenTask(new TaskId(0, Interlocked.Increment(ref _nextPartition)));

    public void Dispose() => _dir.Dispose();
}
