using System.Collections.Concurrent;
using System.Text;
using Braid.Internal.Faults;

namespace Braid.RocksDb;

/// <summary>
/// The durable state backend: one RocksDB database per application state directory
/// (<c>&lt;stateDir&gt;/rocksdb</c>), shared by every task of the instance.
/// <para>
/// Commit protocol: stores keep their writes pending in memory. <see cref="Commit"/> serializes the
/// pending writes of the given tasks and the host metadata into one <see cref="WriteBatch"/> and applies
/// it with one write. RocksDB appends a batch to its write-ahead log as one record before applying it,
/// and on reopen replays the log only up to the last complete record (point-in-time recovery), so after
/// a kill -9 the database holds either everything of a commit or nothing of it. With
/// <see cref="RocksDbDurability.PowerLoss"/> the log is also fsynced before the commit returns.
/// </para>
/// Thread-safety: tasks may be opened, used and committed from different threads, as long as each task
/// is used by one thread at a time and no two concurrent commits share a task.
/// </summary>
internal sealed class RocksDbStateBackend : IStateBackend
{
    private readonly ConcurrentDictionary<TaskId, RocksTaskState> _open = new();
    private int _disposed;

    private RocksDbStateBackend(RocksDatabase database, RocksDbStateOptions options)
    {
        Database = database;
        Options = options;
    }

    internal RocksDatabase Database { get; }

    internal RocksDbStateOptions Options { get; }

    /// <summary>The database directory inside a state directory.</summary>
    public static string DatabasePath(string stateDirectory) => Path.Combine(stateDirectory, "rocksdb");

    /// <summary>
    /// Opens (creating if missing) the state of <paramref name="stateDirectory"/>. Throws
    /// <see cref="StateDirectoryLockedException"/> when another process or instance has it open, and
    /// <see cref="StateStoreException"/> naming the path when the database is corrupt or unreadable.
    /// </summary>
    /// <param name="stateDirectory">The state directory (the database is in its <c>rocksdb</c> folder).</param>
    /// <param name="options">The backend's options.</param>
    /// <param name="storeNames">The durable stores the caller's topology will open: their column families are created
    /// by the open when missing, much cheaper than one by one on first use (<see cref="RocksDatabase.StoreFamily"/>).
    /// A store not named here still works (its family is created on first use).</param>
    public static RocksDbStateBackend Open(string stateDirectory, RocksDbStateOptions? options = null, IEnumerable<string>? storeNames = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        options ??= new RocksDbStateOptions();
        options.Validate();
        return new RocksDbStateBackend(RocksDatabase.Open(DatabasePath(stateDirectory), options, storeNames), options);
    }

    public ITaskState OpenTask(TaskId taskId)
    {
        ThrowIfDisposed();
        var task = new RocksTaskState(this, taskId);
        if (!_open.TryAdd(taskId, task))
            throw new InvalidOperationException($"Task {taskId} is already open in this state backend; dispose it before opening it again.");
        return task;
    }

    public void Commit(IReadOnlyCollection<ITaskState> tasks, IReadOnlyDictionary<string, byte[]?> metadata)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(metadata);
        ThrowIfDisposed();
        // The one place every host's commit passes (embedded, Kafka, the benchmark's RocksDB rows): processors' deferred
        // writes first (IPreCommit: Kafka flushes its record cache here), so they are pending writes of this batch.
        foreach (var task in tasks) Own(task).BeforeCommit();
        // A crash here: the hooks' writes are pending in memory only, like the input offsets of this commit — both lost together.
        Failpoints.Hit(RocksFailpoints.AfterPreCommit);
        using var batch = new WriteBatch();
        foreach (var task in tasks) Own(task).WritePending(batch);
        var family = Database.Metadata;
        foreach (var (key, value) in metadata)
        {
            var keyBytes = Encoding.UTF8.GetBytes(key);
            if (value is null) batch.Delete(keyBytes, family);
            else batch.Put(keyBytes, value, family);
        }
        // The single write is the commit point. Before it, nothing of this commit is durable and the
        // stores still hold their pending writes; a crash inside it leaves the whole batch or none of it.
        Database.Write(batch);
        foreach (var task in tasks) Own(task).Committed();
    }

    public byte[]? ReadMetadata(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        return Database.TryReadBytes(Database.Metadata, Encoding.UTF8.GetBytes(key));
    }

    public IEnumerable<KeyValuePair<string, byte[]>> ReadMetadataPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfDisposed();
        var start = Encoding.UTF8.GetBytes(prefix);
        var result = new List<KeyValuePair<string, byte[]>>();
        using var iterator = Database.NewIterator(Database.Metadata);
        for (iterator.Seek(start); iterator.Valid(); iterator.Next())
        {
            var key = iterator.GetKeySpan();
            if (!key.StartsWith(start)) break;
            result.Add(new(Encoding.UTF8.GetString(key), iterator.GetValueSpan().ToArray()));
        }
        Database.ThrowIfFailed(iterator);
        return result;
    }

    /// <summary>
    /// Deletes everything of one task that is not open: its key range in every store's column family (keys start with
    /// the task, <see cref="KeyLayout"/>) and the given metadata entries, in one atomic write — after a crash either all
    /// of it is gone or none of it. Used by the Kafka host to wipe a corrupted task and to clean up unowned ones.
    /// </summary>
    public void DeleteTask(TaskId taskId, IEnumerable<string> metadataKeys)
    {
        ArgumentNullException.ThrowIfNull(metadataKeys);
        ThrowIfDisposed();
        if (_open.ContainsKey(taskId)) throw new InvalidOperationException($"Task {taskId} is open; close it before deleting its state.");
        var start = KeyLayout.MetaKey(taskId)[..KeyLayout.TaskPrefixLength];
        var end = KeyLayout.PrefixEnd(start);
        using var batch = new WriteBatch();
        foreach (var family in Database.StoreFamilies())
        {
            if (end is not null)
            {
                batch.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length, family);
                continue;
            }
            // The last possible task prefix (all 0xFF, e.g. the global task -1/-1) has no end key: delete key by key.
            using var iterator = Database.NewIterator(family);
            for (iterator.Seek(start); iterator.Valid() && iterator.GetKeySpan().StartsWith(start); iterator.Next()) batch.Delete(iterator.Key(), family);
            Database.ThrowIfFailed(iterator);
        }
        foreach (var key in metadataKeys) batch.Delete(Encoding.UTF8.GetBytes(key), Database.Metadata);
        Database.Write(batch);
    }

    private RocksTaskState Own(ITaskState task) =>
        task is RocksTaskState own && ReferenceEquals(own.Backend, this)
            ? own
            : throw new ArgumentException($"Task {task.TaskId} was not opened by this state backend.", nameof(task));

    internal void Release(RocksTaskState task) => _open.TryRemove(new KeyValuePair<TaskId, RocksTaskState>(task.TaskId, task));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Closes every open task (dropping uncommitted writes) and the database, releasing the directory lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var task in _open.Values) task.Dispose();
        Database.Dispose();
    }
}
