using Braid.Embedded.Logs.Files;
using Braid.Embedded.Runtime;
using Braid.Internal.Faults;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Logs;

/// <summary>Start-up recovery of a partition log (see <see cref="LogRecoveryRule"/>).</summary>
internal sealed partial class PartitionLog
{
    private const string RecoveryPointFile = "recovery-point";
    private long _recoveryPoint;
    private ILogFile? _recoveryPointFile;

    /// <summary>Opens (or creates) the log, cutting back to <paramref name="committedEnd"/> when given (see <see cref="LogRecoveryRule"/>).</summary>
    public static PartitionLog Open(string topic, int partition, string directory, long segmentBytes, long? committedEnd, ILogger logger) =>
        Open(topic, partition, directory, segmentBytes, LogRecoveryRule.For(committedEnd), logger);

    /// <summary>
    /// Opens (or creates) the log and recovers it under <paramref name="rule"/>: records from
    /// <see cref="LogRecoveryRule.TruncateTo"/> on are cut (appended by a commit whose atomic state write never
    /// happened, so no reader saw them and the state that produced them will produce them again); otherwise a
    /// torn tail left by a crash mid-write is cut, with a warning. Everything else is an error naming the file:
    /// damage followed by valid records, a bad record below the committed end, a log ending below
    /// <see cref="LogRecoveryRule.RequiredEnd"/>, a missing first segment.
    /// </summary>
    public static PartitionLog Open(string topic, int partition, string directory, long segmentBytes, LogRecoveryRule rule, ILogger logger,
        LogFileSystem? fs = null)
    {
        fs ??= LogFileSystem.Default;
        System.IO.Directory.CreateDirectory(directory);
        foreach (var leftover in System.IO.Directory.GetFiles(directory, "*.cleaned")) File.Delete(leftover);
        var log = new PartitionLog(topic, partition, directory, segmentBytes, logger, fs) { _contiguous = rule.Contiguous };
        var files = System.IO.Directory.GetFiles(directory, "*.log")
            .Select(f => (Path: f, Base: long.Parse(System.IO.Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(f => f.Base).ToList();
        foreach (var (path, b) in files) log._segments.Add(new LogSegment(path, b, fs));
        if (rule.StartsAtZero && log._segments.Count > 0 && log._segments[0].BaseOffset != 0)
        {
            throw log.Damaged(log._segments[0].Path, 0, $"the log starts at offset {log._segments[0].BaseOffset} but nothing may have deleted its " +
                $"older segments (no retention is set): segment {LogSegment.FileName(0)} is missing");
        }
        long limit = rule.TruncateTo ?? long.MaxValue;
        // Segments created after the committed end hold only uncommitted records. One starting exactly at it is
        // kept (cut to empty below): its name carries the end even when compaction emptied the segment before.
        while (log._segments.Count > 1 && log._segments[^1].BaseOffset > limit)
        {
            var s = log._segments[^1];
            log._segments.RemoveAt(log._segments.Count - 1);
            s.Dispose();
            fs.Delete(s.Path);
            Failpoints.Hit(EmbeddedFailpoints.RecoveryMidTruncation);
        }
        if (log._segments.Count == 0)
        {
            log._segments.Add(new LogSegment(System.IO.Path.Combine(directory, LogSegment.FileName(0)), 0, fs));
            log._directoryDirty = true;
        }
        log._recoveryPoint = log.ReadRecoveryPoint();
        if (rule.PowerLossTail) log.CutPowerLossTail(rule);
        log.RecoverTail(rule);
        log.VisibleEnd = log.EndOffset;
        return log;
    }

    private void RecoverTail(LogRecoveryRule rule)
    {
        // Only the last segment can hold a torn write. Sealed segments are not scanned here (restart stays
        // fast with large logs); they are checked record by record when first read.
        var seg = _segments[^1];
        long limit = rule.TruncateTo ?? long.MaxValue;
        var (end, status) = seg.Scan(limit);
        long fileLength = seg.File.Length;
        bool bad = status is RecordFormat.ReadStatus.Corrupt or RecordFormat.ReadStatus.Truncated;
        if (bad && seg.NextOffset < rule.RequiredEnd)
            throw Damaged(seg.Path, end, $"the record at offset {seg.NextOffset} fails its checksum ({status}), below the committed offset {rule.RequiredEnd}");
        if (bad && seg.NextOffset < _recoveryPoint)
            throw Damaged(seg.Path, end, $"the record at offset {seg.NextOffset} fails its checksum ({status}), below offset {_recoveryPoint} that was fsynced");
        // After a power loss anything written since the last fsync may be torn anywhere: cut it (the scan for a
        // later valid record tells damage from a torn write only when writes reach the disk in order).
        if (bad && rule.TruncateTo is null && !rule.PowerLossTail && TailScanner.FindNextValidFrame(seg.File, end, fileLength, seg.NextOffset - 1) is var next and >= 0)
        {
            throw Damaged(seg.Path, end, $"the record at offset {seg.NextOffset} fails its checksum ({status}) but a valid record follows at byte {next}: " +
                "this is damage, not a torn write");
        }
        if (end < fileLength)
        {
            if (bad)
            {
                _logger.LogWarning("Log {Topic}-{Partition}: cut a torn or corrupt tail in {File} at byte {Position} ({Status}; {Bytes} bytes dropped).",
                    Topic, Partition, seg.Path, end, status, fileLength - end);
            }
            else
            {
                _logger.LogInformation("Log {Topic}-{Partition}: removed {Bytes} uncommitted bytes from {File} at byte {Position}.",
                    Topic, Partition, fileLength - end, seg.Path, end);
            }
            Failpoints.Hit(EmbeddedFailpoints.RecoveryMidTruncation);
            seg.Truncate(end);
        }
        // A compacted log may have lost its last records below the committed end; offsets never go back.
        EndOffset = _contiguous ? seg.NextOffset : Math.Max(seg.NextOffset, rule.RequiredEnd);
        if (EndOffset < rule.RequiredEnd)
        {
            throw Damaged(seg.Path, end, $"the log ends at offset {EndOffset} but offsets up to {rule.RequiredEnd} were committed " +
                "(records were lost: a truncated or deleted file)");
        }
    }

    /// <summary>The error for committed data that is damaged or missing: names everything and what to do.</summary>
    private CorruptLogException Damaged(string file, long position, string detail) =>
        new(file, position, $"topic '{Topic}' partition {Partition}: {detail}. Braid does not skip committed data. " +
            "Restore the state directory from a backup, or delete it to start over (losing its data).", Topic, Partition);

    /// <summary>
    /// Under PowerLoss durability a power cut may drop unsynced bytes of several segments, in any order, so a
    /// later segment can survive while an earlier one lost its tail. As Kafka's <c>LogLoader.recoverLog</c> does
    /// beyond its recovery point, the first bad record or gap past everything fsynced ends the log: it is cut
    /// there and later segments are deleted. Below the fsynced point (the stored recovery point, or a committed
    /// offset) the same finding is damage and an error.
    /// </summary>
    private void CutPowerLossTail(LogRecoveryRule rule)
    {
        long safe = Math.Max(rule.RequiredEnd, _recoveryPoint);
        long limit = rule.TruncateTo ?? long.MaxValue;
        for (int i = SegmentIndexFor(safe); i < _segments.Count - 1; i++)
        {
            var seg = _segments[i];
            var (end, status) = seg.Scan(limit);
            bool bad = status is RecordFormat.ReadStatus.Corrupt or RecordFormat.ReadStatus.Truncated;
            bool gap = _contiguous && !bad && seg.NextOffset < Math.Min(limit, _segments[i + 1].BaseOffset);
            if (!bad && !gap) continue;
            if (seg.NextOffset < safe)
                throw Damaged(seg.Path, end, $"the log breaks off at offset {seg.NextOffset}, below offset {safe} that was fsynced or committed");
            _logger.LogWarning("Log {Topic}-{Partition}: a power loss cut the log at offset {Offset} ({File} byte {Position}); {Segments} later segment(s) " +
                "held only records that were never fsynced and are deleted.", Topic, Partition, seg.NextOffset, seg.Path, end, _segments.Count - 1 - i);
            seg.Truncate(end);
            while (_segments.Count > i + 1)
            {
                var s = _segments[^1];
                _segments.RemoveAt(_segments.Count - 1);
                s.Dispose();
                _fs.Delete(s.Path);
            }
            return;
        }
    }

    private long ReadRecoveryPoint()
    {
        string path = System.IO.Path.Combine(Directory, RecoveryPointFile);
        if (!File.Exists(path)) return 0;
        var bytes = File.ReadAllBytes(path);
        return bytes.Length == 8 ? BitConverter.ToInt64(bytes) : 0;
    }

    /// <summary>After an fsync of the segments: everything below the end now survives a power loss; remember that.</summary>
    private void WriteRecoveryPoint()
    {
        if (EndOffset <= _recoveryPoint) return;
        _recoveryPointFile ??= _fs.Open(System.IO.Path.Combine(Directory, RecoveryPointFile));
        _recoveryPointFile.Write(BitConverter.GetBytes(EndOffset), 0);
        _recoveryPointFile.Sync();
        _recoveryPoint = EndOffset;
    }
}
