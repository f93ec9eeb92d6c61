using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Braid.Internal.State;
using Braid.Processors;
using Braid.State;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.State;

/// <summary>
/// A state backend without native dependencies: stores live in memory and every commit appends one
/// checksummed batch (store writes + metadata) to <c>journal.log</c>; opening replays the journal. A
/// batch is one frame, so a kill -9 leaves either all of a commit or (a torn last frame, cut on open)
/// none of it. Memory and restart time grow with the number of writes ever committed, so it suits
/// tests and small state; RocksDB is the backend for real state.
/// </summary>
internal sealed class JournalStateBackend : IStateBackend
{
    private readonly object _lock = new();
    private readonly Dictionary<string, byte[]> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<(TaskId, string), List<StoreOp>> _committed = new();
    private readonly Dictionary<(TaskId, string), List<IJournaledStore>> _views = new();
    private readonly FileStream _journal;
    private readonly bool _fsync;

    public JournalStateBackend(string directory, bool fsync, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        _fsync = fsync;
        string path = Path.Combine(directory, "journal.log");
        _journal = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        long valid = Replay();
        if (valid < _journal.Length)
        {
            logger.LogWarning("State journal {File}: cut a torn last commit at byte {Position} ({Bytes} bytes).", path, valid, _journal.Length - valid);
            _journal.SetLength(valid);
        }
        _journal.Position = valid;
    }

    public ITaskState OpenTask(TaskId taskId) => new TaskState(this, taskId);

    public void Commit(IReadOnlyCollection<ITaskState> tasks, IReadOnlyDictionary<string, byte[]?> metadata)
    {
        lock (_lock)
        {
            var ops = new List<(TaskId Task, string Store, StoreOp Op)>();
            foreach (var t in tasks.Cast<TaskState>())
            {
                foreach (var (store, op) in t.Pending) ops.Add((t.TaskId, store, op));
            }
            var body = Encode(ops, metadata);
            var frame = new byte[8 + body.Length];
            BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(body));
            body.CopyTo(frame, 8);
            // One write of one checksummed frame: a crash mid-write leaves a frame that fails its checksum
            // and is cut on open, so this commit is then simply absent (the previous one stands).
            _journal.Write(frame);
            _journal.Flush(_fsync);
            foreach (var (task, store, op) in ops) ApplyCommitted(task, store, op);
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

    private void ApplyCommitted(TaskId task, string store, StoreOp op)
    {
        if (!_committed.TryGetValue((task, store), out var list)) _committed[(task, store)] = list = new List<StoreOp>();
        list.Add(op);
        if (_views.TryGetValue((task, store), out var views))
        {
            foreach (var v in views) v.Apply(op);
        }
    }

    private T Build<T>(TaskId task, string store, T created, bool committedView) where T : IJournaledStore
    {
        lock (_lock)
        {
            if (_committed.TryGetValue((task, store), out var ops))
            {
                foreach (var op in ops) created.Apply(op);
            }
            if (committedView)
            {
                if (!_views.TryGetValue((task, store), out var views)) _views[(task, store)] = views = new List<IJournaledStore>();
                views.Add(created);
            }
            return created;
        }
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

    private static byte[] Encode(List<(TaskId Task, string Store, StoreOp Op)> ops, IReadOnlyDictionary<string, byte[]?> metadata)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        w.Write(metadata.Count);
        foreach (var (k, v) in metadata)
        {
            w.Write(k);
            WriteBytes(w, v);
        }
        w.Write(ops.Count);
        foreach (var (task, store, op) in ops)
        {
            w.Write(task.Subtopology);
            w.Write(task.Partition);
            w.Write(store);
            w.Write(op.Kind);
            WriteBytes(w, op.Key);
            WriteBytes(w, op.Value);
            w.Write(op.Timestamp);
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
        int opCount = r.ReadInt32();
        for (int i = 0; i < opCount; i++)
        {
            var task = new TaskId(r.ReadInt32(), r.ReadInt32());
            string store = r.ReadString();
            var op = new StoreOp(r.ReadByte(), ReadBytes(r), ReadBytes(r), r.ReadInt64());
            ApplyCommitted(task, store, op);
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

    private sealed class TaskState(JournalStateBackend backend, TaskId id) : ITaskState
    {
        public List<(string Store, StoreOp Op)> Pending { get; } = new();

        public TaskId TaskId => id;

        public IStoreFactory Stores => new Factory(backend, this, committed: false);

        public IStoreFactory CommittedStores => new Factory(backend, this, committed: true);

        public long PendingBytes => Pending.Sum(p => 32L + (p.Op.Key?.Length ?? 0) + (p.Op.Value?.Length ?? 0));

        public void DiscardPending() => Pending.Clear();

        public void Dispose() => Pending.Clear();
    }

    private sealed class Factory(JournalStateBackend backend, TaskState task, bool committed) : IStoreFactory
    {
        private Action<StoreOp>? Sink(string store) => committed ? null : op => task.Pending.Add((store, op));

        public IKeyValueStore<TKey, TValue> CreateKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder) =>
            backend.Build(task.TaskId, builder.Name, new JournalKeyValueStore<TKey, TValue>(builder, Sink(builder.Name), committed ? backend._lock : null), committed);

        public IVersionedKeyValueStore<TKey, TValue> CreateVersionedKeyValueStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder) =>
            backend.Build(task.TaskId, builder.Name, new JournalVersionedStore<TKey, TValue>(builder, Sink(builder.Name), committed ? backend._lock : null), committed);

        public ISessionStore<TKey, TValue> CreateSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder) =>
            backend.Build(task.TaskId, builder.Name, new JournalSessionStore<TKey, TValue>(builder, Sink(builder.Name), committed ? backend._lock : null), committed);

        public IWindowStore<TKey, TValue> CreateWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder) =>
            backend.Build(task.TaskId, builder.Name, new JournalWindowStore<TKey, TValue>(builder, Sink(builder.Name), committed ? backend._lock : null), committed);
    }
}
