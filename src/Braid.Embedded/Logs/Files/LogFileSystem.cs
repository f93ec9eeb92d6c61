using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Braid.Embedded.Logs.Files;

/// <summary>One open segment file: positional reads and writes, truncation, fsync.</summary>
internal interface ILogFile : IDisposable
{
    long Length { get; }

    int Read(Span<byte> buffer, long position);

    void Write(ReadOnlySpan<byte> data, long position);

    void SetLength(long length);

    /// <summary>fsync: written bytes survive a power loss once this returns.</summary>
    void Sync();
}

/// <summary>
/// The file layer under Braid's own logs. Production uses <see cref="Real"/>; tests swap in
/// <see cref="FaultInjectionLogFileSystem"/> (RocksDB's <c>FaultInjectionTestFS</c> idea) to drop what was not
/// fsynced, tear the last write, fill the disk or fail the Nth write or fsync. A child process picks the
/// fault layer up from the <c>BRAID_FAULT_FS</c> environment variable (see <see cref="FaultInjectionLogFileSystem"/>).
/// </summary>
internal abstract class LogFileSystem
{
    public static readonly LogFileSystem Real = new RealLogFileSystem();

    /// <summary>The layer used when the options name none: the fault layer if <c>BRAID_FAULT_FS</c> is set, else <see cref="Real"/>.</summary>
    public static LogFileSystem Default { get; } = FaultInjectionLogFileSystem.FromEnvironment() ?? Real;

    /// <summary>Opens the file, creating it if missing.</summary>
    public abstract ILogFile Open(string path);

    public abstract void Delete(string path);

    /// <summary>Atomic rename over an existing file (the source was fsynced by the caller).</summary>
    public abstract void Move(string from, string to);

    /// <summary>Makes created, renamed and deleted entries of <paramref name="directory"/> survive a power loss.</summary>
    public abstract void SyncDirectory(string directory);

    private sealed class RealLogFileSystem : LogFileSystem
    {
        public override ILogFile Open(string path) =>
            new RealLogFile(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));

        public override void Delete(string path) => File.Delete(path);

        public override void Move(string from, string to) => File.Move(from, to, overwrite: true);

        public override void SyncDirectory(string directory)
        {
            // POSIX: a new file's name is durable only once its directory is fsynced. .NET cannot open a
            // directory as a file, so libc is called directly; Windows (NTFS journals metadata) needs nothing.
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
            int fd = Posix.Open(directory, 0);
            if (fd < 0) throw new IOException($"Could not open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
            try
            {
                if (Posix.Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
            finally
            {
                _ = Posix.Close(fd);
            }
        }
    }

    private sealed class RealLogFile(SafeFileHandle handle) : ILogFile
    {
        public long Length => RandomAccess.GetLength(handle);

        public int Read(Span<byte> buffer, long position) => RandomAccess.Read(handle, buffer, position);

        public void Write(ReadOnlySpan<byte> data, long position) => RandomAccess.Write(handle, data, position);

        public void SetLength(long length) => RandomAccess.SetLength(handle, length);

        public void Sync() => RandomAccess.FlushToDisk(handle);

        public void Dispose() => handle.Dispose();
    }
}
