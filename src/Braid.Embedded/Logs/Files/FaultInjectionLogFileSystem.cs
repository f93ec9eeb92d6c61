using System.Globalization;
using Braid.Internal.Faults;

namespace Braid.Embedded.Logs.Files;

/// <summary>
/// A <see cref="LogFileSystem"/> for tests, after RocksDB's <c>FaultInjectionTestFS</c>: real files underneath,
/// plus a journal of what was made durable (each fsync's length, each directory fsync, creations, deletions,
/// truncations). The journal is a plain file written with every event, so it survives a kill -9 of the
/// process; <see cref="PowerLossSimulator"/> then applies it to the files as a power loss would (unsynced bytes
/// dropped, the last write torn at a random byte, files whose directory entry was never fsynced gone).
/// Other faults: a full disk (writes beyond <see cref="CapacityBytes"/> throw, as ENOSPC does, after a partial
/// write), and an I/O error on the Nth write or fsync.
/// In a child process: <c>BRAID_FAULT_FS</c> = <c>journal=PATH[;fail-write=N][;fail-sync=N][;capacity=BYTES]</c>.
/// </summary>
internal sealed class FaultInjectionLogFileSystem : LogFileSystem
{
    public const string EnvironmentVariable = "BRAID_FAULT_FS";

    private readonly object _lock = new();
    private readonly StreamWriter? _journal;
    private long _writes, _syncs, _used, _readBytes;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _readBytesByPath = new();

    public FaultInjectionLogFileSystem(string? journalPath)
    {
        JournalPath = journalPath;
        if (journalPath is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(journalPath))!);
        _journal = new StreamWriter(new FileStream(journalPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string? JournalPath { get; }

    /// <summary>The Nth write (1-based, counted over all files) throws an I/O error; 0 = never.</summary>
    public long FailWriteNumber { get; set; }

    /// <summary>The Nth fsync throws an I/O error; 0 = never.</summary>
    public long FailSyncNumber { get; set; }

    /// <summary>Bytes the "disk" holds (written through this layer); beyond it writes fail as a full disk does.</summary>
    public long CapacityBytes { get; set; } = long.MaxValue;

    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Bytes the files grew by through this layer (what counts against <see cref="CapacityBytes"/>).</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Bytes read from files through this layer (what a read costs in copies out of the page cache).</summary>
    public long ReadBytes => Interlocked.Read(ref _readBytes);

    /// <summary>Bytes read through this layer from the files whose path matches <paramref name="path"/> (which log a read cost).</summary>
    public long ReadBytesOf(Func<string, bool> path) => _readBytesByPath.Where(e => path(e.Key)).Sum(e => e.Value);

    public static FaultInjectionLogFileSystem? FromEnvironment()
    {
        var spec = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(spec)) return null;
        var settings = spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var fs = new FaultInjectionLogFileSystem(settings.GetValueOrDefault("journal"));
        if (settings.TryGetValue("fail-write", out var w)) fs.FailWriteNumber = long.Parse(w, CultureInfo.InvariantCulture);
        if (settings.TryGetValue("fail-sync", out var s)) fs.FailSyncNumber = long.Parse(s, CultureInfo.InvariantCulture);
        if (settings.TryGetValue("capacity", out var c)) fs.CapacityBytes = long.Parse(c, CultureInfo.InvariantCulture);
        return fs;
    }

    public override ILogFile Open(string path)
    {
        bool created = !File.Exists(path);
        var file = Real.Open(path);
        // A file that exists when opened is what survived so far: its length is the durable baseline.
        if (created) Record("create", path);
        else Record("open", path, file.Length);
        return new FaultFile(this, path, file);
    }

    public override void Delete(string path)
    {
        Real.Delete(path);
        Record("delete", path);
    }

    public override void Move(string from, string to)
    {
        Real.Move(from, to);
        // The caller fsynced the source; the rename itself is durable once the directory is synced.
        Record("move", to, new FileInfo(to).Length);
    }

    public override void SyncDirectory(string directory)
    {
        CountSync(directory);
        Real.SyncDirectory(directory);
        Record("dirsync", directory);
    }

    private void CountSync(string what)
    {
        long n = Interlocked.Increment(ref _syncs);
        if (n == FailSyncNumber) throw new InjectedIOException($"Injected I/O error: fsync #{n} ({what}) failed.");
    }

    private void Record(string kind, string path, long length = -1)
    {
        if (_journal is null) return;
        lock (_lock) _journal.WriteLine(length >= 0 ? $"{kind}\t{path}\t{length.ToString(CultureInfo.InvariantCulture)}" : $"{kind}\t{path}");
    }

    private sealed class FaultFile(FaultInjectionLogFileSystem fs, string path, ILogFile inner) : ILogFile
    {
        public long Length => inner.Length;

        public int Read(Span<byte> buffer, long position)
        {
            int n = inner.Read(buffer, position);
            if (n > 0)
            {
                Interlocked.Add(ref fs._readBytes, n);
                fs._readBytesByPath.AddOrUpdate(path, n, (_, v) => v + n);
            }
            return n;
        }

        public void Write(ReadOnlySpan<byte> data, long position)
        {
            long n = Interlocked.Increment(ref fs._writes);
            if (n == fs.FailWriteNumber) throw new InjectedIOException($"Injected I/O error: write #{n} to {path} failed.");
            long grow = Math.Max(0, position + data.Length - inner.Length);
            long room = fs.CapacityBytes - Interlocked.Read(ref fs._used);
            if (grow > room)
            {
                // A full disk writes what fits, then fails (ENOSPC): a torn record a restart must cut.
                int fits = (int)Math.Max(0, Math.Min(data.Length, room));
                if (fits > 0) inner.Write(data[..fits], position);
                Interlocked.Add(ref fs._used, fits);
                throw new InjectedIOException($"Injected I/O error: no space left on device writing {data.Length} bytes to {path}.");
            }
            inner.Write(data, position);
            Interlocked.Add(ref fs._used, grow);
        }

        public void SetLength(long length)
        {
            inner.SetLength(length);
            fs.Record("truncate", path, length);
        }

        public void Sync()
        {
            fs.CountSync(path);
            inner.Sync();
            fs.Record("sync", path, inner.Length);
        }

        public void Dispose() => inner.Dispose();
    }
}
