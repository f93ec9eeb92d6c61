namespace Braid.Embedded.Runtime;

/// <summary>
/// An exclusive lock on the application's state directory: a <c>.lock</c> file held open with
/// FileShare.None (an advisory lock the OS releases when the process dies, so kill -9 never leaves a
/// stale lock behind).
/// </summary>
internal sealed class StateDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private StateDirectoryLock(FileStream file) => _file = file;

    public static StateDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        try
        {
            return new StateDirectoryLock(new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new StateDirectoryLockedException(directory, e);
        }
    }

    public void Dispose() => _file.Dispose();
}
