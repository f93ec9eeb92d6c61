using System.Globalization;

namespace Braid.Embedded.Logs.Files;

/// <summary>
/// Applies a <see cref="FaultInjectionLogFileSystem"/> journal to the files after the process died, as a
/// power loss would have left them: each file keeps what its last fsync covered; of the bytes written after
/// it, a random prefix survives (the last write torn at a random byte), sometimes with its end zeroed (a
/// page that was allocated but not written); a file created since its directory was last fsynced may vanish.
/// Only Braid's logs are covered: RocksDB syncs its own write-ahead log under PowerLoss durability.
/// </summary>
internal static class PowerLossSimulator
{
    /// <summary>What one simulated power loss did, for the harness's log line.</summary>
    public readonly record struct Outcome(int FilesCut, long BytesDropped, int FilesLost);

    public static Outcome Apply(string journalPath, Random rng)
    {
        var synced = new Dictionary<string, long>();
        var unsyncedEntries = new HashSet<string>();
        if (File.Exists(journalPath))
        {
            foreach (var line in File.ReadLines(journalPath))
            {
                var p = line.Split('\t');
                if (p.Length < 2) continue; // a journal line torn by the kill
                string path = p[1];
                long len = p.Length > 2 && long.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : -1;
                switch (p[0])
                {
                    case "create":
                        synced[path] = 0;
                        unsyncedEntries.Add(path);
                        break;
                    case "open" when len >= 0:
                        synced.TryAdd(path, len);
                        break;
                    case "sync" when len >= 0:
                    case "move" when len >= 0:
                        synced[path] = len;
                        break;
                    case "truncate" when len >= 0:
                        if (synced.TryGetValue(path, out var s) && len < s) synced[path] = len;
                        break;
                    case "delete":
                        synced.Remove(path);
                        unsyncedEntries.Remove(path);
                        break;
                    case "dirsync":
                        unsyncedEntries.RemoveWhere(f => Path.GetDirectoryName(f) == path);
                        break;
                }
            }
        }
        int cut = 0, lost = 0;
        long dropped = 0;
        foreach (var (path, keep) in synced)
        {
            if (!File.Exists(path)) continue;
            if (unsyncedEntries.Contains(path) && rng.Next(2) == 0)
            {
                dropped += new FileInfo(path).Length;
                File.Delete(path);
                lost++;
                continue;
            }
            long length = new FileInfo(path).Length;
            if (length <= keep) continue;
            long survive = keep + (rng.Next(3) == 0 ? 0 : rng.NextInt64(0, length - keep + 1));
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            f.SetLength(survive);
            if (survive > keep && rng.Next(4) == 0)
            {
                int zeros = (int)Math.Min(survive - keep, rng.Next(1, 512));
                f.Position = survive - zeros;
                f.Write(new byte[zeros]);
            }
            dropped += length - survive;
            cut++;
        }
        File.Delete(journalPath);
        return new Outcome(cut, dropped, lost);
    }
}
