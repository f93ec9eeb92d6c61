using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Braid.Internal.State;
using Braid.Internal.State.Logging;
using Braid.Processors;
using Braid.State;

namespace Braid.Embedded.Tests.Support;

/// <summary>
/// A test state backend without native dependencies, built on the core write-logging stores: stores live in memory,
/// each logged change is pending until the commit appends one checksummed frame (the changes + metadata) to
/// <c>journal.log</c>; opening replays the journal through <see cref="ILoggedStore.Restore"/>. A frame is one write,
/// so a kill -9 leaves either all of a commit or (a torn last frame, cut on open) none of it. It proves the embedded
/// host runs on any <see cref="IStateBackend"/> and that the logged changes rebuild the same state. No query views.
/// </summary>
internal sealed class JournalStateBackend : IStateBackend
{
    private readonly object _lock = new();
    private readonly Dictionary<string, byte[]> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<(TaskId, string), List<Change>> _committed = new();
    private readonly FileStream _journal;
    private readonly bool _fsync;

    public JournalStateBackend(string directory, bool fsync)
    {
        Directory.CreateDirectory(directory);
        _fsync = fsync;
        _journal = new FileStream(Path.Combine(directory, "journal.log"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        long valid = Replay();
        _journal.SetLength(valid); // cuts a torn last commit
        _journal.Position = valid;
    }

    public ITaskState OpenTask(TaskId taskId) => new TaskState(this, taskId);

    public void Commit(IReadOnlyCollection<ITaskState> tasks, IReadOnlyDictionary<string, byte[]?> metadata)
    {
        lock (_lock)
        {
            var changes = tasks.Cast<TaskState>().SelectMany(t => t.Pending).ToList();
            var body = Encode(changes, metadata);
            var frame = new byte[8 + body.Length];
            BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(body));
            body.CopyTo(frame, 8);
            // One write of one checksummed frame: a crash mid-write leaves a frame that fails its checksum and is
            // cut on open, so this commit is then simply absent (the previous one stands).
            _journal.Write(frame);
            _journal.Flush(_fsync);
            foreach (var c in changes) Committed(c);
            foreach (var (k, v) in metadata)
            {
                if (v is null) _metadata.Remove(k);
                else _metadata[k] = v;
            }
            foreach (var t in tasks.Cast<TaskState>()) t.Pending.Clear();
        }
    }

    public byte[]? ReadMetadata(string key)
    {
        lock (_lock) return _metadata.GetValueOrDefault(key);
    }

    public IEnumerable<KeyValuePair<string, byte[]>> ReadMetadataPrefix(string prefix)
    {
        lock (_lock) return _metadata.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    public void Dispose() => _journal.Dispose();

    private void Committed(Change c)
    {
        if (!_committed.TryGetValue((c.Task, c.Store), out var list)) _committed[(c.Task, c.Store)] = list = new List<Change>();
        list.Add(c);
    }

    private T Replayed<T>(TaskId task, T store) where T : IStateStore
    {
        lock (_lock)
        {
            if (store is ILoggedStore logged && _committed.TryGetValue((task, store.Name), out var changes))
            {
                foreach (var c in changes) logged.Restore(c.Key, c.Value, c.Timestamp);
            }
        }
        return store;
    }

    private long Replay()
    {
        var data = new byte[_journal.Length];
        _journal.ReadExactly(data);
        int p = 0;
        while (p + 8 <= data.Length)
        {
            int len = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(p));
            if (len < 0 || p + 8 + len > data.Length) break;
            var body = data.AsSpan(p + 8, len);
            if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(p + 4))) break;
            Decode(body);
            p += 8 + len;
        }
        return p;
    }

    private static byte[] Encode(List<Change> changes, IReadOnlyDictionary<string, byte[]?> metadata)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        w.Write(metadata.Count);
        foreach (var (k, v) in metadata)
        {
            w.Write(k);
            WriteBytes(w, v);
        }
        w.Write(changes.Count);
        foreach (var c in changes)
        {
            w.Write(c.Task.Subtopology);
            w.Write(c.Task.Partition);
            w.Write(c.Store);
            WriteBytes(w, c.Key);
            WriteBytes(w, c.Value);
            w.Write(c.Timestamp);
        }
        w.Flush();
        return ms.ToArray();
    }

    private void Decode(ReadOnlySpan<byte> body)
    {
        using var r = new BinaryReader(new MemoryStream(body.ToArray()), Encoding.UTF8);
        int metaCount = r.ReadInt32();
        for (int i = 0; i < metaCount; i++)
        {
            string k = r.ReadString();
            var v = ReadBytes(r);
            if (v is null) _metadata.Remove(k);
            else _metadata[k] = v;
        }
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var task = new TaskId(r.ReadInt32(), r.ReadInt32());
            Committed(new Change(task, r.ReadString(), ReadBytes(r)!, ReadBytes(r), r.ReadInt64()));
        }
    }

    private static void WriteBytes(BinaryWriter w, byte[]? b)
    {
        w.Write(b?.Length ?? -1);
        if (b is not null) w.Write(b);
    }

    private static byte[]? ReadBytes(BinaryReader r)
    {
        int n = r.ReadInt32();
        return n < 0 ? null : r.ReadBytes(n);
    }

    private sealed record Change(TaskId Task, string Store, byte[] Key, byte[]? Value, long Timestamp);

    /// <summary>A store's changes wait here until the backend's next commit.</summary>
    private sealed class PendingSink(TaskState task, string store) : IChangeSink
    {
        public long CurrentTimestamp => 0;

        public void Log(byte[] key, byte[]? value, long timestamp) => task.Pending.Add(new Change(task.TaskId, store, key, value, timestamp));
    }

    private sealed class TaskState(JournalStateBackend backend, TaskId id) : ITaskState
    {
        public List<Change> Pending { get; } = new();

        public TaskId TaskId => id;

        public IStoreFactory Stores => new ReplayingFactory(backend, id, new ChangeLoggingStoreFactory(InMemoryStoreFactory.Instance, name => new PendingSink(this, name)));

        public IStoreFactory CommittedStores => throw new NotSupportedException("The journal test backend serves no interactive queries.");

        public long PendingBytes => Pending.Sum(c => 32L + c.Key.Length + (c.Value?.Length ?? 0));

        public void DiscardPending() => Pending.Clear();

        public void Dispose() => Pending.Clear();
    }

    /// <summary>Builds logged in-memory stores and replays the committed changes into them.</summary>
    private sealed class ReplayingFactory(JournalStateBackend backend, TaskId task, IStoreFactory logged) : IStoreFactory
    {
        public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder) =>
            backend.Replayed(task, logged.CreateKeyValueStore(builder));

        public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder) =>
            backend.Replayed(task, logged.CreateVersionedKeyValueStore(builder));

        public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder) =>
            backend.Replayed(task, logged.CreateWindowStore(builder));

        public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder) =>
            backend.Replayed(task, logged.CreateSessionStore(builder));
    }
}
