using System.Runtime.InteropServices;

namespace Braid.Embedded.Logs.Files;

/// <summary>The three libc calls a directory fsync needs (.NET cannot open a directory as a file).</summary>
internal static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
