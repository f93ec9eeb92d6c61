using System.Text;

namespace Braid.Postgres.Internal;

/// <summary>
/// A file in the application directory saying "the initial snapshot through slot S is completely in
/// the topic". Written (temp file, fsync, rename) only after the snapshot's last record was appended;
/// without it a restart takes the snapshot again (see <see cref="SnapshotCopy"/>), with it a restart
/// streams from the slot. It lives beside the topic's logs, so deleting the application's state resets both.
/// </summary>
internal sealed class SnapshotMarker(string appDirectory, string slot)
{
    private readonly string _path = Path.Combine(appDirectory, "postgres", slot + ".snapshot-complete");

    public bool Exists => File.Exists(_path);

    public void Write(string consistentPoint)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        string tmp = _path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            f.Write(Encoding.UTF8.GetBytes(consistentPoint));
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, _path, overwrite: true);
    }
}
